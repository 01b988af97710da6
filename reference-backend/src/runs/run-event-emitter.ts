import type { RunEventType } from '../../../protocol/constants';
import type { RunEventData } from '../frames/server-frames';
import type { NewRunEvent, RunEventStore } from '../storage/run-store';
import { SequentialRunEventEncoder, type RunEventEncoder } from './run-event-encoder';
import { RunPersistenceError, type DeliveredRunEvent, type RunEventSink, type RunEvents, type RunIdentity, type UnstoredTail } from './run-events';

/** An event waiting for its batch to be stored; `answer` only on a successful run's agent_completed. */
interface QueuedEvent extends NewRunEvent {
  readonly answer?: string;
}

/**
 * Emits one run's events: the encoder gives each its seq and its text
 * (serialized once), which is persisted and then delivered, in seq order.
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
 * RunPersistenceError so that the caller ends the run. They are kept
 * (`unstored`), for the run's end to be stored once PostgreSQL is back.
 */
export class RunEventEmitter implements RunEvents {
  private readonly queue: QueuedEvent[] = [];
  /** Writing and delivering the queue, while there is anything to write. */
  private writing: Promise<void> | null = null;
  private lost: RunPersistenceError | null = null;
  private readonly liveOnly: DeliveredRunEvent[] = [];
  private successWithdrawn = false;

  constructor(
    readonly run: RunIdentity,
    private readonly store: RunEventStore,
    private readonly sink: RunEventSink,
    private readonly encoder: RunEventEncoder = new SequentialRunEventEncoder(run),
  ) {}

  get lastSeq(): number {
    return this.encoder.lastSeq;
  }

  /** Why this run's events stopped being stored, once they did. */
  get persistenceFailure(): RunPersistenceError | null {
    return this.lost;
  }

  get unstored(): UnstoredTail {
    return { events: [...this.liveOnly], successWithdrawn: this.successWithdrawn };
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
    const event = this.encoder.encode(type, data);
    this.queue.push(answer === undefined ? event : { ...event, answer });
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
            this.encoder.continueFrom(event.seq); // a success that could not be stored is withdrawn
            this.successWithdrawn = true;
            continue;
          }
          if (!stored) this.liveOnly.push({ seq: event.seq, type: event.type, frameText: event.frameText });
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
}
