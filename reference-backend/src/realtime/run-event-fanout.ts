import type { LocalConnections } from '../connection/local-connections';
import type { Faults } from '../faults';
import type { RunEventSink, RunIdentity } from '../runs/run-event-emitter';
import type { RedisBus, RemoteRunEvent } from './redis-bus';

/**
 * Delivers run events to every open connection of the run's user: directly to
 * this instance's connections (no Redis round-trip, so chat works with Redis
 * down) and through Redis to the other instances, each of which receives every
 * user's events and delivers those of users connected to it.
 */
export class RunEventFanout implements RunEventSink {
  constructor(
    private readonly local: LocalConnections,
    private readonly bus: Pick<RedisBus, 'publish'>,
    private readonly faults: Faults,
  ) {}

  deliver(run: RunIdentity, seq: number, frameText: string): void {
    if (this.faults.has('single_tab_delivery') && run.startedBy !== undefined) {
      return this.local.deliverToConnection(run.userId, run.startedBy, run.runId, seq, frameText);
    }
    this.deliverLocally(run.userId, run.runId, seq, frameText);
    if (!this.faults.has('no_cross_instance_fanout')) this.bus.publish({ userId: run.userId, runId: run.runId, seq, frameText });
  }

  /** An event published by another instance: of concern only when its user is connected here (broadcast_events included). */
  deliverRemote(event: RemoteRunEvent): void {
    if (!this.local.hasUser(event.userId)) return;
    this.deliverLocally(event.userId, event.runId, event.seq, event.frameText);
  }

  private deliverLocally(userId: RunIdentity['userId'], runId: RunIdentity['runId'], seq: number, frameText: string): void {
    if (this.faults.has('broadcast_events')) this.local.deliverToEveryone(runId, seq, frameText);
    else this.local.deliver(userId, runId, seq, frameText);
  }
}
