import { newMessageId, type RunId, type ThreadId, type UserId } from '../domain/ids';
import type { RunEventType } from '../../../protocol/constants';
import { NOTHING_UNSTORED, type UnstoredTail } from '../runs/run-events';
import type { Database } from './database';
import { RENEW_LEASE, type RunOwner } from './lease-store';
import { storedText } from './stored-text';

export interface PersistedEvent {
  readonly seq: number;
  readonly frameText: string;
}

/** A run event to store: `frameText` is exactly what is (or will be) delivered. */
export interface NewRunEvent {
  readonly seq: number;
  readonly type: RunEventType;
  readonly frameText: string;
}

/** A successful run's answer: stored in its thread as the assistant message. */
export interface RunAnswer {
  readonly threadId: ThreadId;
  readonly userId: UserId;
  readonly summary: string;
}

/** Where a run's events and outcome are stored. */
export interface RunEventStore {
  /**
   * Store events, in one statement. With `answer` (the batch that ends a
   * successful run), the same statement also stores the answer as the thread's
   * assistant message and marks the run succeeded: all of it, or nothing.
   */
  appendEvents(runId: RunId, events: readonly NewRunEvent[], answer?: RunAnswer): Promise<void>;
}

/** Any number of events as one multi-row INSERT of fixed shape: one array per column. */
const INSERT_EVENTS = `INSERT INTO run_events (run_id, seq, type, frame_text)
  SELECT $1::uuid, e.seq, e.type, e.frame_text FROM unnest($2::integer[], $3::text[], $4::text[]) AS e (seq, type, frame_text)`;

/**
 * The last events of a successful run, its answer and its final status, in one
 * statement (one round trip, atomic). $5..$9: answer message id, thread, user,
 * summary and its encoding (stored-text.ts).
 */
const INSERT_EVENTS_AND_SUCCEED = `WITH events AS (${INSERT_EVENTS}),
  answer AS (
    INSERT INTO messages (message_id, thread_id, user_id, role, content, content_encoding, client_message_id, run_id)
    VALUES ($5::uuid, $6::uuid, $7::text, 'assistant', $8::text, $9::text, NULL, $1::uuid)
  ),
  succeeded AS (UPDATE runs SET status = 'succeeded', finished_at = now() WHERE run_id = $1::uuid)
  SELECT 1`;

/**
 * A failed run's end, in one statement: the events it delivered without
 * storing them (stored now, replacing whatever a write of unknown outcome
 * left under their seqs), the withdrawal of a success that may have
 * committed (its answer deleted, $6), and the run's failure.
 * $1 run, $2 error code, $3..$5 the events' columns, $6 success withdrawn.
 */
const RECORD_FAILURE = `WITH events AS (
    INSERT INTO run_events (run_id, seq, type, frame_text)
    SELECT $1::uuid, e.seq, e.type, e.frame_text FROM unnest($3::integer[], $4::text[], $5::text[]) AS e (seq, type, frame_text)
    ON CONFLICT (run_id, seq) DO UPDATE SET type = EXCLUDED.type, frame_text = EXCLUDED.frame_text
  ), withdrawn AS (
    DELETE FROM messages WHERE run_id = $1::uuid AND role = 'assistant' AND $6::boolean
  ), failed AS (
    UPDATE runs SET status = 'failed', error_code = $2, finished_at = now()
     WHERE run_id = $1::uuid AND (status <> 'succeeded' OR $6::boolean)
  )
  SELECT 1`;

/** Runs and their persisted events. */
export interface RunStore extends RunEventStore {
  /** Atomically take a pending run for `owner` (renewing its lease: a claim is a sign of life); true when this caller must run it. */
  claimRun(runId: RunId, owner: RunOwner): Promise<boolean>;
  /** The run failed; `unstored` is what it delivered without storing it (stored now). */
  recordFailure(runId: RunId, errorCode: string, unstored?: UnstoredTail): Promise<void>;
  /** True when the run exists and belongs to this user. */
  isOwnedBy(runId: RunId, userId: UserId): Promise<boolean>;
  /** The stored events with seq > afterSeq, in seq order. */
  eventsAfter(runId: RunId, afterSeq: number): Promise<PersistedEvent[]>;
}

/** The run store in PostgreSQL. */
export class PostgresRunStore implements RunStore {
  constructor(private readonly db: Database) {}

  async claimRun(runId: RunId, owner: RunOwner): Promise<boolean> {
    const result = await this.db.query(
      `WITH lease AS (${RENEW_LEASE('$2', '$3', '$4')})
       UPDATE runs SET status = 'running', owner_instance = $2, owner_incarnation = $3, started_at = now()
        WHERE run_id = $1 AND status = 'pending'`,
      [runId, owner.instanceId, owner.incarnation, owner.leaseMs],
    );
    return result.rowCount === 1;
  }

  async appendEvents(runId: RunId, events: readonly NewRunEvent[], answer?: RunAnswer): Promise<void> {
    const columns = [runId, events.map((e) => e.seq), events.map((e) => e.type), events.map((e) => e.frameText)];
    if (answer === undefined) {
      await this.db.query(INSERT_EVENTS, columns);
      return;
    }
    const summary = storedText(answer.summary);
    await this.db.query(INSERT_EVENTS_AND_SUCCEED, [...columns, newMessageId(), answer.threadId, answer.userId, summary.text, summary.encoding]);
  }

  async recordFailure(runId: RunId, errorCode: string, unstored: UnstoredTail = NOTHING_UNSTORED): Promise<void> {
    const { events, successWithdrawn } = unstored;
    await this.db.query(RECORD_FAILURE, [runId, errorCode, events.map((e) => e.seq), events.map((e) => e.type), events.map((e) => e.frameText), successWithdrawn]);
  }

  async isOwnedBy(runId: RunId, userId: UserId): Promise<boolean> {
    const result = await this.db.query('SELECT 1 FROM runs WHERE run_id = $1 AND user_id = $2', [runId, userId]);
    return result.rowCount === 1;
  }

  async eventsAfter(runId: RunId, afterSeq: number): Promise<PersistedEvent[]> {
    const { rows } = await this.db.query<{ seq: number; frame_text: string }>(
      'SELECT seq, frame_text FROM run_events WHERE run_id = $1 AND seq > $2::bigint ORDER BY seq',
      [runId, afterSeq],
    );
    return rows.map((r) => ({ seq: r.seq, frameText: r.frame_text }));
  }
}
