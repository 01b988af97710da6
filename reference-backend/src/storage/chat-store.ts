import {
  newMessageId,
  newRunId,
  newThreadId,
  type ClientMessageId,
  type MessageId,
  type RunId,
  type ThreadId,
  type UserId,
} from '../domain/ids';
import type { MessageAcceptance } from '../frames/server-frames';
import type { Database } from './database';
import { readStoredText, storedText } from './stored-text';

export interface IncomingUserMessage {
  readonly userId: UserId;
  readonly clientMessageId: ClientMessageId;
  readonly content: string;
  /** An existing thread of this user, or null for a new thread. */
  readonly threadId: ThreadId | null;
}

/** What a run needs to start. */
export interface RunTicket {
  readonly runId: RunId;
  readonly threadId: ThreadId;
  readonly userId: UserId;
  readonly userMessageId: MessageId;
  readonly content: string;
  /** `pending` runs still need to be claimed and started by someone. */
  readonly status: 'pending' | 'running' | 'succeeded' | 'failed';
}

export type Acceptance =
  | { readonly kind: 'accepted'; readonly acceptance: MessageAcceptance; readonly run: RunTicket }
  | { readonly kind: 'duplicate'; readonly acceptance: MessageAcceptance; readonly run: RunTicket }
  | { readonly kind: 'thread_not_found' };

export interface HistoryMessage {
  readonly message_id: string;
  readonly client_message_id: string | null;
  readonly role: 'user' | 'assistant';
  readonly content: string;
  readonly created_at: string;
  readonly run_id: string;
}

interface AcceptedRow {
  outcome: 'accepted' | 'duplicate';
  message_id: MessageId;
  thread_id: ThreadId;
  run_id: RunId;
  status: RunTicket['status'];
  content: string;
  content_encoding: string;
}

/**
 * The idempotent accept as ONE statement (so one round trip, atomic without
 * BEGIN/COMMIT). Parameters: $1 user, $2 client_message_id, $3 new message id,
 * $4 thread id (the given one, or a fresh one), $5 true when $4 is a new
 * thread, $6 new run id, $7 content and $8 its encoding (stored-text.ts).
 *
 * - `target`: the thread is usable — new, or an existing one of this user's.
 *   When it is not, nothing at all is written.
 * - `claim`: the idempotency key. The unique key decides races: a concurrent
 *   duplicate waits for the first claimant's commit, then does nothing.
 * - `go`: this statement accepts the message; the thread, the user message
 *   and the pending run are inserted only then (foreign keys are checked at
 *   the end of the statement, so a new thread may be created alongside).
 * - The result is one `accepted` row, or one `duplicate` row describing the
 *   earlier acceptance when it is visible to this statement's snapshot, or no
 *   row at all: the thread is not usable, or the duplicate committed while this
 *   statement waited on the key (not visible to its snapshot).
 */
const ACCEPT_SQL = `
  WITH target AS (
    SELECT $5::boolean
        OR EXISTS (SELECT 1 FROM threads WHERE thread_id = $4::uuid AND user_id = $1::text) AS usable
  ), claim AS (
    INSERT INTO accepted_messages (user_id, client_message_id, message_id, thread_id, run_id)
    SELECT $1::text, $2::uuid, $3::uuid, $4::uuid, $6::uuid FROM target WHERE usable
    ON CONFLICT (user_id, client_message_id) DO NOTHING
    RETURNING 1
  ), go AS (
    SELECT 1 FROM target WHERE usable AND EXISTS (SELECT 1 FROM claim)
  ), new_thread AS (
    INSERT INTO threads (thread_id, user_id) SELECT $4::uuid, $1::text FROM go WHERE $5::boolean
  ), user_message AS (
    INSERT INTO messages (message_id, thread_id, user_id, role, content, content_encoding, client_message_id, run_id)
    SELECT $3::uuid, $4::uuid, $1::text, 'user', $7::text, $8::text, $2::uuid, $6::uuid FROM go
  ), pending_run AS (
    INSERT INTO runs (run_id, thread_id, user_id, user_message_id, status)
    SELECT $6::uuid, $4::uuid, $1::text, $3::uuid, 'pending' FROM go
  )
  SELECT 'accepted' AS outcome, $3::uuid AS message_id, $4::uuid AS thread_id, $6::uuid AS run_id, 'pending' AS status, $7::text AS content, $8::text AS content_encoding
    FROM go
  UNION ALL
  SELECT 'duplicate', a.message_id, a.thread_id, a.run_id, r.status, m.content, m.content_encoding
    FROM accepted_messages a
    JOIN runs r ON r.run_id = a.run_id
    JOIN messages m ON m.message_id = a.message_id
   WHERE a.user_id = $1::text AND a.client_message_id = $2::uuid AND NOT EXISTS (SELECT 1 FROM go)`;

/** Threads, user messages and the idempotency ledger. */
export interface ChatStore {
  /** Accept a user message exactly once per (user, client_message_id); nothing is written for a thread that is not the user's. */
  acceptUserMessage(input: IncomingUserMessage): Promise<Acceptance>;
  /** The thread's messages in creation order, or null when the thread is not this user's. */
  history(userId: UserId, threadId: ThreadId): Promise<HistoryMessage[] | null>;
  /** Earlier user messages of this user (newest first), excluding one run's own message. */
  earlierUserMessages(userId: UserId, excludingRunId: RunId, limit: number): Promise<{ content: string; createdAt: Date }[]>;
}

/** The chat store in PostgreSQL. */
export class PostgresChatStore implements ChatStore {
  constructor(private readonly db: Database) {}

  /**
   * Accept a user message exactly once per (user, client_message_id): claim
   * the idempotency key, resolve or create the thread (NOT_FOUND, nothing
   * written, for a thread that is not this user's), insert the user message
   * and a pending run — atomically, in one round trip (ACCEPT_SQL). Only a
   * duplicate that committed while this one waited on the key, or a thread
   * that is not usable, costs a second round trip, to read the ledger afresh.
   */
  async acceptUserMessage(input: IncomingUserMessage): Promise<Acceptance> {
    const ids = { messageId: newMessageId(), runId: newRunId(), threadId: input.threadId ?? newThreadId() };
    const content = storedText(input.content);
    const { rows } = await this.db.query<AcceptedRow>(ACCEPT_SQL, [
      input.userId,
      input.clientMessageId,
      ids.messageId,
      ids.threadId,
      input.threadId === null,
      ids.runId,
      content.text,
      content.encoding,
    ]);
    const row = rows[0] ?? (await this.findAccepted(input.userId, input.clientMessageId));
    if (row === undefined) return { kind: 'thread_not_found' };
    const acceptance: MessageAcceptance = {
      clientMessageId: input.clientMessageId,
      messageId: row.message_id,
      threadId: row.thread_id,
      runId: row.run_id,
    };
    const run: RunTicket = {
      runId: row.run_id,
      threadId: row.thread_id,
      userId: input.userId,
      userMessageId: row.message_id,
      content: readStoredText(row.content, row.content_encoding),
      status: row.status,
    };
    return { kind: row.outcome, acceptance, run };
  }

  /** The earlier acceptance of this key, read with a fresh snapshot (so one committed a moment ago is seen). */
  private async findAccepted(userId: UserId, clientMessageId: ClientMessageId): Promise<AcceptedRow | undefined> {
    const { rows } = await this.db.query<AcceptedRow>(
      `SELECT 'duplicate' AS outcome, a.message_id, a.thread_id, a.run_id, r.status, m.content, m.content_encoding
         FROM accepted_messages a
         JOIN runs r ON r.run_id = a.run_id
         JOIN messages m ON m.message_id = a.message_id
        WHERE a.user_id = $1 AND a.client_message_id = $2`,
      [userId, clientMessageId],
    );
    return rows[0];
  }

  async history(userId: UserId, threadId: ThreadId): Promise<HistoryMessage[] | null> {
    if (!(await this.isOwnThread(threadId, userId))) return null;
    const { rows } = await this.db.query<{
      message_id: string;
      client_message_id: string | null;
      role: 'user' | 'assistant';
      content: string;
      content_encoding: string;
      created_at: Date;
      run_id: string;
    }>(
      `SELECT message_id, client_message_id, role, content, content_encoding, created_at, run_id
         FROM messages WHERE thread_id = $1 ORDER BY position`,
      [threadId],
    );
    return rows.map((r) => ({
      message_id: r.message_id,
      client_message_id: r.client_message_id,
      role: r.role,
      content: readStoredText(r.content, r.content_encoding),
      created_at: r.created_at.toISOString(),
      run_id: r.run_id,
    }));
  }

  /** True when the thread exists and is this user's. */
  private async isOwnThread(threadId: ThreadId, userId: UserId): Promise<boolean> {
    const found = await this.db.query('SELECT 1 FROM threads WHERE thread_id = $1 AND user_id = $2', [threadId, userId]);
    return found.rowCount === 1;
  }

  async earlierUserMessages(userId: UserId, excludingRunId: RunId, limit: number): Promise<{ content: string; createdAt: Date }[]> {
    const { rows } = await this.db.query<{ content: string; content_encoding: string; created_at: Date }>(
      `SELECT content, content_encoding, created_at FROM messages
        WHERE user_id = $1 AND role = 'user' AND run_id <> $2
        ORDER BY position DESC LIMIT $3`,
      [userId, excludingRunId, limit],
    );
    return rows.map((r) => ({ content: readStoredText(r.content, r.content_encoding), createdAt: r.created_at }));
  }
}
