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

/** What this instance delivered of one run. */
interface Delivered {
  lastSeq: number;
  /** An agent_completed was delivered. */
  completed: boolean;
  /** The run was ended by an instance other than its own (see deliverEnding). */
  endedByPeer: boolean;
}

/**
 * Delivers run events to every open connection of the run's user: directly to
 * this instance's connections (no Redis round-trip, so chat works with Redis
 * down) and through Redis to the other instances, each of which receives every
 * user's events and delivers those of users connected to it.
 *
 * The ending of a run whose instance is gone (runs/run-reaper.ts) travels the
 * same way, marked as such, with the run's stored events before it (the dead
 * instance may have stored events it had no time to deliver). It is delivered
 * only as far as it goes beyond what was delivered here: never a seq twice,
 * never after an agent_completed — an instance taken for dead may only have
 * been cut off from the database, and have ended the run itself meanwhile.
 * Once an ending's agent_completed was delivered, nothing more of that run is.
 */
export class RunEventFanout implements RunEventSink, EndedRunSink {
  private readonly delivered = new Map<RunId, Delivered>();

  constructor(
    private readonly local: LocalRunEventDelivery,
    private readonly bus: RunEventPublisher,
  ) {}

  deliver(run: RunIdentity, seq: number, frameText: string): void {
    if (!this.note(run.runId, seq, frameText, false)) return;
    this.local.deliver(run.userId, run.runId, seq, frameText);
    this.bus.publish({ userId: run.userId, runId: run.runId, seq, frameText });
  }

  /** The ending of a dead instance's run, stored by this instance: delivered here and published. */
  deliverEnding(run: RunIdentity, events: readonly PersistedEvent[]): void {
    for (const { seq, frameText } of events) {
      if (this.note(run.runId, seq, frameText, true)) this.local.deliver(run.userId, run.runId, seq, frameText);
      this.bus.publish({ userId: run.userId, runId: run.runId, seq, frameText, ending: true });
    }
  }

  /** An event published by another instance: of concern only when its user is connected here. */
  deliverRemote(event: RemoteRunEvent): void {
    if (!this.local.hasUser(event.userId)) return;
    if (!this.note(event.runId, event.seq, event.frameText, event.ending === true)) return;
    this.local.deliver(event.userId, event.runId, event.seq, event.frameText);
  }

  /** Records an event about to be delivered here; false when it must not be. */
  private note(runId: RunId, seq: number, frameText: string, ending: boolean): boolean {
    let run = this.delivered.get(runId);
    if (run === undefined) {
      run = { lastSeq: 0, completed: false, endedByPeer: false };
      this.delivered.set(runId, run);
      if (this.delivered.size > REMEMBERED_RUNS) this.delivered.delete(this.delivered.keys().next().value as RunId);
    }
    if (run.endedByPeer) return false;
    if (ending && (run.completed || seq <= run.lastSeq)) return false;
    run.lastSeq = Math.max(run.lastSeq, seq);
    if (frameText.startsWith('{"type":"agent_completed"')) {
      run.completed = true;
      if (ending) run.endedByPeer = true;
    }
    return true;
  }
}
