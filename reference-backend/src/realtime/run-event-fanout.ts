import type { LocalRunEventDelivery } from '../connection/local-connections';
import type { RunEventSink, RunIdentity } from '../runs/run-events';
import type { RedisBus, RemoteRunEvent } from './redis-bus';

/** Where run events are published for the other instances. */
export type RunEventPublisher = Pick<RedisBus, 'publish'>;

/**
 * Delivers run events to every open connection of the run's user: directly to
 * this instance's connections (no Redis round-trip, so chat works with Redis
 * down) and through Redis to the other instances, each of which receives every
 * user's events and delivers those of users connected to it.
 */
export class RunEventFanout implements RunEventSink {
  constructor(
    private readonly local: LocalRunEventDelivery,
    private readonly bus: RunEventPublisher,
  ) {}

  deliver(run: RunIdentity, seq: number, frameText: string): void {
    this.local.deliver(run.userId, run.runId, seq, frameText);
    this.bus.publish({ userId: run.userId, runId: run.runId, seq, frameText });
  }

  /** An event published by another instance: of concern only when its user is connected here. */
  deliverRemote(event: RemoteRunEvent): void {
    if (!this.local.hasUser(event.userId)) return;
    this.local.deliver(event.userId, event.runId, event.seq, event.frameText);
  }
}
