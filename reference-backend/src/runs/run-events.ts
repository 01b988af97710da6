import type { RunEventType } from '../../../protocol/constants';
import type { ConnectionId, RunId, ThreadId, UserId } from '../domain/ids';
import type { RunEventData } from '../frames/server-frames';

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

/** Persisting run events failed; they were still delivered live. */
export class RunPersistenceError extends Error {
  constructor(cause: unknown) {
    super(`run event could not be persisted: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RunPersistenceError';
  }
}

/** A run event as stored: its seq, type and the exact text delivered. */
export interface DeliveredRunEvent {
  readonly seq: number;
  readonly type: RunEventType;
  readonly frameText: string;
}

/**
 * What a run delivered without storing it, once storing failed: the failed
 * batch and every event after it, and whether a success was withdrawn whose
 * write may have committed all the same (its answer lost on the way back).
 * Storage is made to say exactly this once PostgreSQL is back, so that a
 * resume replays what the connected clients saw, to its end.
 */
export interface UnstoredTail {
  readonly events: readonly DeliveredRunEvent[];
  readonly successWithdrawn: boolean;
}

export const NOTHING_UNSTORED: UnstoredTail = { events: [], successWithdrawn: false };

/**
 * One run's events, as its agent emits them (RunEventEmitter). The three ways
 * to emit say where the run is: `emit` while it goes on, `complete` for a
 * successful end, `emitFinal` on the way out of a failing run.
 */
export interface RunEvents {
  /** The seq of the last event emitted. */
  readonly lastSeq: number;
  /** Why this run's events stopped being stored, once they did. */
  readonly persistenceFailure: RunPersistenceError | null;
  /** Delivered but not stored, since persistenceFailure. */
  readonly unstored: UnstoredTail;
  /** Emit one event; rejects with RunPersistenceError once storing has failed (the event is still delivered, live only). */
  emit<T extends RunEventType>(type: T, data: RunEventData[T]): Promise<void>;
  /** Emit an event of a failing run's ending: never throws; resolves once it is delivered. */
  emitFinal<T extends RunEventType>(type: T, data: RunEventData[T]): Promise<void>;
  /** End a successful run with its `agent_completed` and its answer; throws RunPersistenceError when that cannot be stored. */
  complete(data: RunEventData['agent_completed'], answer: string): Promise<void>;
  /** Wait until every event emitted so far is stored (or given up on) and delivered. */
  flush(): Promise<void>;
}
