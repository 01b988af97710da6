import { newMessageId, type RunId, type ThreadId, type UserId } from '../domain/ids';
import type { Faults } from '../faults';
import type { RunEventType } from '../protocol/server-frames';
import type { Database } from './database';

export interface PersistedEvent {
  readonly seq: number;
  readonly frameText: string;
}

/** Where a run's events and outcome are stored. */
export interface RunEventStore {
  appendEvent(runId: RunId, seq: number, type: RunEventType, frameText: string): Promise<void>;
}

export interface SuccessfulRun {
  readonly runId: RunId;
  readonly threadId: ThreadId;
  readonly userId: UserId;
  readonly summary: string;
}

/** Runs and their persisted events. */
export class RunStore implements RunEventStore {
  constructor(
    private readonly db: Database,
    private readonly faults: Faults,
  ) {}

  /** Atomically take a pending run; true when this caller must run it. */
  async claimRun(runId: RunId, instanceId: string): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE runs SET status = 'running', owner_instance = $2, started_at = now()
        WHERE run_id = $1 AND status = 'pending'`,
      [runId, instanceId],
    );
    return result.rowCount === 1;
  }

  async appendEvent(runId: RunId, seq: number, type: RunEventType, frameText: string): Promise<void> {
    await this.db.query('INSERT INTO run_events (run_id, seq, type, frame_text) VALUES ($1, $2, $3, $4)', [runId, seq, type, frameText]);
  }

  /** Store the assistant answer in the thread and mark the run succeeded, atomically. */
  async recordSuccess(run: SuccessfulRun): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!this.faults.has('lost_assistant_message')) {
        await tx.query(
          `INSERT INTO messages (message_id, thread_id, user_id, role, content, client_message_id, run_id)
           VALUES ($1, $2, $3, 'assistant', $4, NULL, $5)`,
          [newMessageId(), run.threadId, run.userId, run.summary, run.runId],
        );
      }
      await tx.query(`UPDATE runs SET status = 'succeeded', finished_at = now() WHERE run_id = $1`, [run.runId]);
    });
  }

  async recordFailure(runId: RunId, errorCode: string): Promise<void> {
    await this.db.query(
      `UPDATE runs SET status = 'failed', error_code = $2, finished_at = now() WHERE run_id = $1 AND status <> 'succeeded'`,
      [runId, errorCode],
    );
  }

  /** True when the run exists and belongs to this user. */
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
