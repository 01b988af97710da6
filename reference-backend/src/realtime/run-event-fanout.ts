import type { LocalRunEventDelivery } from '../connection/local-connections';
import type { RunId } from '../domain/ids';
import type { EndedRunSink } from '../runs/run-reaper';
import type { RunEventSink, RunIdentity } from '../runs/run-events';
import type { PersistedEvent } from '../storage/run-store';
import type { RedisBus, RemoteRunEvent } from './redis-bus';

/** Where run events are published for the other instances. */
export type RunEventPublisher = Pick<RedisBus, 'publish'>;

/** Runs whose delivery this instance remembers (the most recent ones). */
const REMEMBERED_RUNS = 10_000;


/**
 * Delivers run events to every open connection of the run's user: directly to
 * this instance's connections (no Redis round-trip, so chat works with Redis
 * down) and through Redis to the other instances, each of which receives every
 * user's events and delivers those of users connected to it.
 *
 * The ending of a run whose instance is gone (runs/run-reaper.ts) travels the
 * same way, marked as such, with the run's stored events before it (the dead
 * instance may have stored events it had no time to deliver); each connection
 * sends of it only what goes beyond what it had — never a seq twice, never
 * after an agent_completed: an instance taken for dead may only have been cut
 * off from the database, and have ended the run itself meanwhile. Once an
 * ending's agent_completed went out here, nothing more of that run does.
 */
export class RunEventFanout implements RunEventSink, EndedRunSink {
  /** Runs whose ending by another instance than their own was delivered here. */
  private readonly endedByPeer = new Set<RunId>();

  constructor(
    private readonly local: LocalRunEventDelivery,
    private readonly bus: RunEventPublisher,
  ) {}

  deliver(run: RunIdentity, seq: number, frameText: string): void {
    if (this.endedByPeer.has(run.runId)) return;
    this.local.deliver(run.userId, run.runId, seq, frameText);
    this.bus.publish({ userId: run.userId, runId: run.runId, seq, frameText });
  }

  /** The ending of a dead instance's run, stored by this instance: delivered here and published. */
  deliverEnding(run: RunIdentity, events: readonly PersistedEvent[]): void {
    for (const { seq, frameText } of events) {
      this.deliverEndingHere(run.userId, run.runId, seq, frameText);
      this.bus.publish({ userId: run.userId, runId: run.runId, seq, frameText, ending: true });
    }
  }

  /** An event published by another instance: of concern only when its user is connected here. */
  deliverRemote(event: RemoteRunEvent): void {
    if (!this.local.hasUser(event.userId)) return;
    if (event.ending === true) return this.deliverEndingHere(event.userId, event.runId, event.seq, event.frameText);
    if (this.endedByPeer.has(event.runId)) return;
    this.local.deliver(event.userId, event.runId, event.seq, event.frameText);
  }

  private deliverEndingHere(userId: RunIdentity['userId'], runId: RunId, seq: number, frameText: string): void {
    if (this.endedByPeer.has(runId)) return;
    this.local.deliver(userId, runId, seq, frameText, true);
    if (!frameText.startsWith('{"type":"agent_completed"')) return;
    this.endedByPeer.add(runId);
    if (this.endedByPeer.size > REMEMBERED_RUNS) this.endedByPeer.delete(this.endedByPeer.values().next().value as RunId);
  }
}
