import { newRunId, type ConnectionId, type RunId, type ThreadId, type UserId } from '../domain/ids';
import type { Faults } from '../faults';
import { serializeRunEvent, type RunEventData, type RunEventType } from '../protocol/server-frames';
import type { RunEventStore } from '../storage/run-store';

export interface RunIdentity {
  readonly runId: RunId;
  readonly threadId: ThreadId;
  readonly userId: UserId;
  /** The connection whose user_message started the run, when it is on this instance. */
  readonly startedBy?: ConnectionId;
}

/** Where serialized run events go live: local connections and other instances. */
export interface RunEventSink {
  deliver(run: RunIdentity, seq: number, frameText: string): void;
}

/** Persisting an event failed; the event was still delivered live. */
export class RunPersistenceError extends Error {
  constructor(cause: unknown) {
    super(`run event could not be persisted: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RunPersistenceError';
  }
}

/**
 * Emits one run's events: assigns the next seq, serializes the frame once,
 * persists that exact text, then delivers it. After a persistence failure the
 * run's remaining events are delivered live only (the caller ends the run).
 */
export class RunEventEmitter {
  private seq = 0;
  private persistenceLost = false;
  private seqGapInserted = false;
  private wrongRunIdUsed = false;

  constructor(
    readonly run: RunIdentity,
    private readonly store: RunEventStore,
    private readonly sink: RunEventSink,
    private readonly faults: Faults,
  ) {}

  get lastSeq(): number {
    return this.seq;
  }

  /** Emit one event; throws RunPersistenceError (after delivering it) when it could not be stored. */
  async emit<T extends RunEventType>(type: T, data: RunEventData[T]): Promise<void> {
    const seq = this.nextSeq(type);
    const frameText = serializeRunEvent(type, { ...this.run, runId: this.frameRunId(type), seq }, data);
    if (!this.persistenceLost) {
      try {
        await this.store.appendEvent(this.run.runId, seq, type, frameText);
      } catch (err) {
        this.persistenceLost = true;
        this.sink.deliver(this.run, seq, frameText);
        throw new RunPersistenceError(err);
      }
    }
    this.sink.deliver(this.run, seq, frameText);
  }

  /** Emit an event on the way out of a failing run: never throws, always delivered. */
  async emitFinal<T extends RunEventType>(type: T, data: RunEventData[T]): Promise<void> {
    try {
      await this.emit(type, data);
    } catch (err) {
      if (!(err instanceof RunPersistenceError)) throw err;
      // Delivered live already; the run is ending anyway.
    }
  }

  private nextSeq(type: RunEventType): number {
    this.seq += 1;
    const seq = this.seq;
    if (this.faults.has('seq_gap') && !this.seqGapInserted && (type === 'tool_executing' || type === 'tool_completed')) {
      this.seqGapInserted = true;
      this.seq += 1;
    }
    return seq;
  }

  private frameRunId(type: RunEventType): RunId {
    if (this.faults.has('wrong_run_id') && type === 'agent_thinking' && !this.wrongRunIdUsed) {
      this.wrongRunIdUsed = true;
      return newRunId();
    }
    return this.run.runId;
  }
}
