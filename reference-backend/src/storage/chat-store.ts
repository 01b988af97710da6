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
import type { Faults } from '../faults';
import type { MessageAcceptance } from '../protocol/server-frames';
import type { Database, Queryable } from './database';

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

class ThreadNotFound extends Error {}

interface AcceptedRow {
  message_id: MessageId;
  thread_id: ThreadId;
  run_id: RunId;
  status: RunTicket['status'];
  content: string;
}

/** Threads, user messages and the idempotency ledger. */
export class ChatStore {
  constructor(
    private readonly db: Database,
    private readonly faults: Faults,
  ) {}

  /**
   * Accept a user message exactly once per (user, client_message_id), in one
   * transaction: claim the idempotency key, resolve or create the thread,
   * insert the user message and a pending run. A concurrent duplicate waits
   * on the ledger's primary key and then sees the winner's row.
   */
  async acceptUserMessage(input: IncomingUserMessage): Promise<Acceptance> {
    const ids = { messageId: newMessageId(), runId: newRunId(), threadId: input.threadId ?? newThreadId() };
    try {
      return await this.db.transaction(async (tx): Promise<Acceptance> => {
        const claimed = await tx.query(
          `INSERT INTO accepted_messages (user_id, client_message_id, message_id, thread_id, run_id)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [input.userId, input.clientMessageId, ids.messageId, ids.threadId, ids.runId],
        );
        if (claimed.rowCount === 0 && !this.faults.has('duplicate_run_on_retry')) {
          return { kind: 'duplicate', ...(await this.findAccepted(tx, input.userId, input.clientMessageId)) };
        }
        if (input.threadId === null) {
          await tx.query('INSERT INTO threads (thread_id, user_id) VALUES ($1, $2)', [ids.threadId, input.userId]);
        } else {
          const owned = await this.findThread(tx, ids.threadId, input.userId, 'foreign_thread_accepted');
          if (!owned) throw new ThreadNotFound();
        }
        await tx.query(
          `INSERT INTO messages (message_id, thread_id, user_id, role, content, client_message_id, run_id)
           VALUES ($1, $2, $3, 'user', $4, $5, $6)`,
          [ids.messageId, ids.threadId, input.userId, input.content, input.clientMessageId, ids.runId],
        );
        await tx.query(
          `INSERT INTO runs (run_id, thread_id, user_id, user_message_id, status) VALUES ($1, $2, $3, $4, 'pending')`,
          [ids.runId, ids.threadId, input.userId, ids.messageId],
        );
        const acceptance: MessageAcceptance = { clientMessageId: input.clientMessageId, ...ids };
        const run: RunTicket = { ...ids, userId: input.userId, userMessageId: ids.messageId, content: input.content, status: 'pending' };
        return { kind: 'accepted', acceptance, run };
      });
    } catch (err) {
      if (err instanceof ThreadNotFound) return { kind: 'thread_not_found' };
      throw err;
    }
  }

  private async findAccepted(
    tx: Queryable,
    userId: UserId,
    clientMessageId: ClientMessageId,
  ): Promise<{ acceptance: MessageAcceptance; run: RunTicket }> {
    const { rows } = await tx.query<AcceptedRow>(
      `SELECT a.message_id, a.thread_id, a.run_id, r.status, m.content
         FROM accepted_messages a
         JOIN runs r ON r.run_id = a.run_id
         JOIN messages m ON m.message_id = a.message_id
        WHERE a.user_id = $1 AND a.client_message_id = $2`,
      [userId, clientMessageId],
    );
    const row = rows[0];
    if (row === undefined) throw new Error('idempotency key claimed but its message is missing');
    return {
      acceptance: { clientMessageId, messageId: row.message_id, threadId: row.thread_id, runId: row.run_id },
      run: {
        runId: row.run_id,
        threadId: row.thread_id,
        userId,
        userMessageId: row.message_id,
        content: row.content,
        status: row.status,
      },
    };
  }

  /** The thread's messages in creation order, or null when the thread is not this user's. */
  async history(userId: UserId, threadId: ThreadId): Promise<HistoryMessage[] | null> {
    if (!(await this.findThread(this.db, threadId, userId, 'history_leak'))) return null;
    const { rows } = await this.db.query<{
      message_id: string;
      client_message_id: string | null;
      role: 'user' | 'assistant';
      content: string;
      created_at: Date;
      run_id: string;
    }>(
      `SELECT message_id, client_message_id, role, content, created_at, run_id
         FROM messages WHERE thread_id = $1 ORDER BY position`,
      [threadId],
    );
    return rows.map((r) => ({
      message_id: r.message_id,
      client_message_id: r.client_message_id,
      role: r.role,
      content: r.content,
      created_at: r.created_at.toISOString(),
      run_id: r.run_id,
    }));
  }

  /**
   * True when the thread exists and is this user's. With the planted fault
   * named here, any existing thread will do, whoever owns it.
   */
  private async findThread(db: Queryable, threadId: ThreadId, userId: UserId, fault: 'foreign_thread_accepted' | 'history_leak'): Promise<boolean> {
    const found = this.faults.has(fault)
      ? await db.query('SELECT 1 FROM threads WHERE thread_id = $1', [threadId])
      : await db.query('SELECT 1 FROM threads WHERE thread_id = $1 AND user_id = $2', [threadId, userId]);
    return found.rowCount === 1;
  }

  /** Earlier user messages of this user (newest first), excluding one run's own message. */
  async earlierUserMessages(userId: UserId, excludingRunId: RunId, limit: number): Promise<{ content: string; createdAt: Date }[]> {
    const { rows } = await this.db.query<{ content: string; created_at: Date }>(
      `SELECT content, created_at FROM messages
        WHERE user_id = $1 AND role = 'user' AND run_id <> $2
        ORDER BY position DESC LIMIT $3`,
      [userId, excludingRunId, limit],
    );
    return rows.map((r) => ({ content: r.content, createdAt: r.created_at }));
  }
}
