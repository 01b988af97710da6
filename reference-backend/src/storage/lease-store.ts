import type { RunId, ThreadId, UserId } from '../domain/ids';
import type { RunEventType } from '../../../protocol/constants';
import type { Database, Queryable } from './database';
import type { NewRunEvent } from './run-store';

/**
 * Who runs a run. An instance is known by its name (INSTANCE_ID); each start
 * of a process under that name is a new incarnation. The name's lease, in
 * PostgreSQL next to the runs it covers, says the instance is alive: the
 * process holding the name renews it, and other instances end the open runs
 * of a name whose lease lapsed — or, sooner, of a name that has gone silent
 * both here and in Redis (runs/run-reaper.ts).
 */
export interface RunOwner {
  readonly instanceId: string;
  readonly incarnation: string;
  /** How long a renewal of the lease lasts. */
  readonly leaseMs: number;
  /** How long another instance may be silent — no renewal here, no announcement in Redis — before it is taken for dead. */
  readonly silenceMs: number;
}

/** An open run nobody alive runs any more. */
export interface OrphanedRun {
  readonly runId: RunId;
  /** The instance that ran it (null: accepted, never claimed). */
  readonly ownerInstance: string | null;
}

/** What an orphaned run left in storage: enough to end it. */
export interface OrphanedRunState {
  readonly runId: RunId;
  readonly threadId: ThreadId;
  readonly userId: UserId;
  readonly ownerInstance: string | null;
  /** When it was claimed (or accepted, if never claimed), epoch ms. */
  readonly startedAt: number;
  readonly events: ReadonlyArray<{ readonly seq: number; readonly type: RunEventType; readonly frameText: string }>;
}

/** How an orphaned run is ended: the events that close it (numbered after the stored ones), and its error code. */
export interface RunEnding {
  readonly events: readonly NewRunEvent[];
  readonly errorCode: string;
}

/** Leases and the runs they cover. */
export interface LeaseStore {
  /** Take or renew `owner`'s lease on its name for `owner.leaseMs`, by the database's clock. */
  renew(owner: RunOwner): Promise<void>;
  /** Give the lease up (a clean shutdown, with no run left): peers need not wait for it to lapse. */
  release(owner: RunOwner): Promise<void>;
  /**
   * Other instances with open runs whose lease still holds but which have not
   * renewed it for `owner.silenceMs`: dead, or only cut off from the database
   * (Redis tells which; see runs/run-reaper.ts).
   */
  quietInstances(owner: RunOwner): Promise<string[]>;
  /**
   * Open runs whose instance is gone, as `owner` sees it (at most `limit`).
   * `presumedDead`: quiet instances that are silent in Redis too; their runs
   * count as orphaned while they stay quiet here.
   */
  orphanedRuns(owner: RunOwner, limit: number, presumedDead: readonly string[]): Promise<OrphanedRun[]>;
  /**
   * End one orphaned run, if it still is one and no other instance is ending
   * it right now: its ending's events are stored and the run marked failed, in
   * one transaction. Null when there was nothing to do.
   */
  endOrphanedRun(runId: RunId, owner: RunOwner, presumedDead: readonly string[], ending: (run: OrphanedRunState) => RunEnding): Promise<EndedRun | null>;
}

/** An orphaned run as it was found, and how it was ended. */
export interface EndedRun {
  readonly run: OrphanedRunState;
  readonly ending: RunEnding;
}

/** `interval` of $n milliseconds. */
const ms = (param: string): string => `(${param}::bigint * interval '1 millisecond')`;

/**
 * An open run of `r` is orphaned ($1 my name, $2 my incarnation, $3 the lease,
 * $5 the names presumed dead, $6 the silence):
 * - an earlier life of this very instance left it: a process that starts under
 *   a name ends what the name's previous process left open, at once;
 * - its instance's lease lapsed (or it never had one): the instance died or
 *   was cut off;
 * - its instance is presumed dead (silent in Redis) and still has not renewed
 *   its lease for the silence: checked again here, so a renewal that came in
 *   meanwhile saves its runs;
 * - it was accepted but never claimed, a lease ago.
 */
const ORPHANED = `r.status IN ('pending', 'running') AND (
    (r.owner_instance = $1::text AND r.owner_incarnation IS DISTINCT FROM $2::uuid)
    OR (r.owner_instance <> $1::text AND NOT EXISTS (
          SELECT 1 FROM instance_leases l WHERE l.instance_id = r.owner_instance AND l.expires_at > now()))
    OR (r.owner_instance <> $1::text AND r.owner_instance = ANY($5::text[]) AND NOT EXISTS (
          SELECT 1 FROM instance_leases l WHERE l.instance_id = r.owner_instance AND l.renewed_at >= now() - ${ms('$6')}))
    OR (r.owner_instance IS NULL AND r.created_at < now() - ${ms('$3')})
  )`;

/** Take or renew the lease; usable inside another statement (run-store.ts claims a run with it). */
export const RENEW_LEASE = (name: string, incarnation: string, leaseMs: string): string => `
  INSERT INTO instance_leases (instance_id, incarnation, expires_at, renewed_at) VALUES (${name}::text, ${incarnation}::uuid, now() + ${ms(leaseMs)}, now())
  ON CONFLICT (instance_id) DO UPDATE SET incarnation = EXCLUDED.incarnation, expires_at = EXCLUDED.expires_at, renewed_at = EXCLUDED.renewed_at`;

const INSERT_EVENTS = `INSERT INTO run_events (run_id, seq, type, frame_text)
  SELECT $1::uuid, e.seq, e.type, e.frame_text FROM unnest($2::integer[], $3::text[], $4::text[]) AS e (seq, type, frame_text)`;

export class PostgresLeaseStore implements LeaseStore {
  constructor(private readonly db: Database) {}

  async renew(owner: RunOwner): Promise<void> {
    await this.db.query(RENEW_LEASE('$1', '$2', '$3'), [owner.instanceId, owner.incarnation, owner.leaseMs]);
  }

  async release(owner: RunOwner): Promise<void> {
    await this.db.query('DELETE FROM instance_leases WHERE instance_id = $1 AND incarnation = $2', [owner.instanceId, owner.incarnation]);
  }

  async quietInstances(owner: RunOwner): Promise<string[]> {
    const { rows } = await this.db.query<{ instance_id: string }>(
      `SELECT l.instance_id FROM instance_leases l
        WHERE l.instance_id <> $1 AND l.expires_at > now() AND l.renewed_at < now() - ${ms('$2')}
          AND EXISTS (SELECT 1 FROM runs r WHERE r.owner_instance = l.instance_id AND r.status IN ('pending', 'running'))`,
      [owner.instanceId, owner.silenceMs],
    );
    return rows.map((row) => row.instance_id);
  }

  async orphanedRuns(owner: RunOwner, limit: number, presumedDead: readonly string[]): Promise<OrphanedRun[]> {
    const { rows } = await this.db.query<{ run_id: RunId; owner_instance: string | null }>(
      `SELECT r.run_id, r.owner_instance FROM runs r WHERE ${ORPHANED} ORDER BY r.created_at LIMIT $4`,
      [owner.instanceId, owner.incarnation, owner.leaseMs, limit, presumedDead, owner.silenceMs],
    );
    return rows.map((row) => ({ runId: row.run_id, ownerInstance: row.owner_instance }));
  }

  endOrphanedRun(runId: RunId, owner: RunOwner, presumedDead: readonly string[], ending: (run: OrphanedRunState) => RunEnding): Promise<EndedRun | null> {
    return this.db.transaction(async (tx) => {
      const state = await lockOrphan(tx, runId, owner, presumedDead);
      if (state === null) return null;
      const end = ending(state);
      const { events } = end;
      if (events.length > 0) await tx.query(INSERT_EVENTS, [runId, events.map((e) => e.seq), events.map((e) => e.type), events.map((e) => e.frameText)]);
      await tx.query(`UPDATE runs SET status = 'failed', error_code = $2, finished_at = now() WHERE run_id = $1`, [runId, end.errorCode]);
      return { run: state, ending: end };
    });
  }
}

/**
 * The run's row, locked, when it is still orphaned; null when it is not, or
 * another instance holds it (SKIP LOCKED: that one is ending it). Its owner's
 * event writes wait behind the lock (their foreign key), and conflict on the
 * seqs taken here if the owner turns out to be alive.
 */
async function lockOrphan(tx: Queryable, runId: RunId, owner: RunOwner, presumedDead: readonly string[]): Promise<OrphanedRunState | null> {
  const { rows } = await tx.query<{ thread_id: ThreadId; user_id: UserId; owner_instance: string | null; started_ms: string }>(
    `SELECT r.thread_id, r.user_id, r.owner_instance, (extract(epoch FROM coalesce(r.started_at, r.created_at)) * 1000)::bigint AS started_ms
       FROM runs r WHERE r.run_id = $4 AND ${ORPHANED} FOR UPDATE SKIP LOCKED`,
    [owner.instanceId, owner.incarnation, owner.leaseMs, runId, presumedDead, owner.silenceMs],
  );
  const row = rows[0];
  if (row === undefined) return null;
  const stored = await tx.query<{ seq: number; type: RunEventType; frame_text: string }>('SELECT seq, type, frame_text FROM run_events WHERE run_id = $1 ORDER BY seq', [runId]);
  return {
    runId,
    threadId: row.thread_id,
    userId: row.user_id,
    ownerInstance: row.owner_instance,
    startedAt: Number(row.started_ms),
    events: stored.rows.map((event) => ({ seq: event.seq, type: event.type, frameText: event.frame_text })),
  };
}
