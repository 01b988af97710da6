import { newRunId, type ConnectionId, type RunId, type ThreadId, type UserId } from '../domain/ids';
import type { Faults } from '../faults';
import type { RunEventType } from '../../../protocol/constants';
import { serializeRunEvent, type RunEventData } from '../frames/server-frames';
import type { NewRunEvent, RunEventStore } from '../storage/run-store';

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

/** An event waiting for its batch to be stored; `answer` only on a successful run's agent_completed. */
interface QueuedEvent extends NewRunEvent {
  readonly answer?: string;
}

/**
 * Emits one run's events: assigns the next seq, serializes the frame once,
 * persists that exact text, then delivers it, in seq order.
 *
 * Group commit: emitting does not wait for the database. At most one write
 * per run is in flight; events emitted meanwhile queue up and are stored
 * together by the next write (one multi-row INSERT), and each batch is
 * delivered only once it is stored. A run thus costs one round trip per batch
 * instead of one per event, and a replay still sends exactly what was
 * delivered.
 *
 * After a persistence failure the failed batch, everything queued behind it
 * and every later event are delivered live only, and `emit` throws
 * RunPersistenceError so that the caller ends the run.
 */
export class RunEventEmitter {
  private seq = 0;
  private readonly queue: QueuedEvent[] = [];
  /** Writing and delivering the queue, while there is anything to write. */
  private writing: Promise<void> | null = null;
  private lost: RunPersistenceError | null = null;
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

  /** Why this run's events stopped being stored, once they did. */
  get persistenceFailure(): RunPersistenceError | null {
    return this.lost;
  }

  /**
   * Emit one event; resolves without waiting for the database. Rejects with
   * RunPersistenceError once storing has failed (the event is still
   * delivered, live only, after the ones before it).
   */
  emit<T extends RunEventType>(type: T, data: RunEventData[T]): Promise<void> {
    this.enqueue(type, data);
    return this.lost === null ? Promise.resolve() : Promise.reject(this.lost);
  }

  /** Emit an event on the way out of a failing run: never throws; resolves once it is delivered. */
  async emitFinal<T extends RunEventType>(type: T, data: RunEventData[T]): Promise<void> {
    this.enqueue(type, data);
    await this.flush();
  }

  /**
   * End a successful run: its `agent_completed` is stored in one statement
   * with the events still queued, the answer and the run's success, then
   * delivered. If that fails, the completion is withdrawn (never delivered;
   * its seq goes to the error `agent_completed`) and RunPersistenceError is
   * thrown. Nothing may be emitted before this settles.
   */
  async complete(data: RunEventData['agent_completed'], answer: string): Promise<void> {
    this.throwIfLost();
    this.enqueue('agent_completed', data, answer);
    await this.flush();
    this.throwIfLost();
  }

  /** Wait until every event emitted so far is stored (or given up on) and delivered. */
  async flush(): Promise<void> {
    while (this.writing !== null) await this.writing;
  }

  private throwIfLost(): void {
    if (this.lost !== null) throw this.lost;
  }

  private enqueue<T extends RunEventType>(type: T, data: RunEventData[T], answer?: string): void {
    const seq = this.nextSeq(type);
    const frameText = serializeRunEvent(type, { ...this.run, runId: this.frameRunId(type), seq }, data);
    this.queue.push(answer === undefined ? { seq, type, frameText } : { seq, type, frameText, answer });
    if (this.writing === null) {
      this.writing = this.writeQueue();
      // A failure to deliver reaches whoever flushes; unobserved, it must not crash the process.
      this.writing.catch(() => undefined);
    }
  }

  /** One batch at a time: whatever is queued when the previous write returns goes in the next. */
  private async writeQueue(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        const stored = await this.persist(batch);
        for (const event of batch) {
          if (event.answer !== undefined && !stored) {
            this.seq = event.seq - 1; // a success that could not be stored is withdrawn
            continue;
          }
          this.sink.deliver(this.run, event.seq, event.frameText);
        }
      }
    } finally {
      this.writing = null;
    }
  }

  /** True when the batch was stored; false once persistence is lost (from now on, live only). */
  private async persist(batch: readonly QueuedEvent[]): Promise<boolean> {
    if (this.lost !== null) return false;
    const summary = batch.find((event) => event.answer !== undefined)?.answer;
    const answer = summary === undefined ? undefined : { threadId: this.run.threadId, userId: this.run.userId, summary };
    try {
      await this.store.appendEvents(this.run.runId, batch, answer);
      return true;
    } catch (err) {
      this.lost = new RunPersistenceError(err);
      return false;
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
