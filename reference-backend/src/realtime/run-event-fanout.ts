import type { LocalConnections } from '../connection/local-connections';
import type { RunEventSink, RunIdentity } from '../runs/run-event-emitter';
import type { RedisBus, RemoteRunEvent } from './redis-bus';

/**
 * Delivers run events to every open connection of the run's user: directly to
 * this instance's connections (no Redis round-trip, so chat works with Redis
 * down) and through Redis to the other instances.
 */
export class RunEventFanout implements RunEventSink {
  constructor(
    private readonly local: LocalConnections,
    private readonly bus: RedisBus,
  ) {}

  deliver(run: RunIdentity, seq: number, frameText: string): void {
    this.local.deliver(run.userId, run.runId, seq, frameText);
    this.bus.publish({ userId: run.userId, runId: run.runId, seq, frameText });
  }

  /** An event published by another instance. */
  deliverRemote(event: RemoteRunEvent): void {
    this.local.deliver(event.userId, event.runId, event.seq, event.frameText);
  }
}
