import type { Database, Queryable } from './database';

/** Arbitrary constant: the advisory lock that serialises concurrent migrations. */
const MIGRATION_LOCK_KEY = 7_413_290_118;

/**
 * The whole schema, idempotent. `position` (bigserial) is the stable creation
 * order of messages; timestamps are informative only.
 */
export const SCHEMA_STATEMENTS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS threads (
     thread_id  uuid PRIMARY KEY,
     user_id    text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE IF NOT EXISTS runs (
     run_id          uuid PRIMARY KEY,
     thread_id       uuid NOT NULL REFERENCES threads (thread_id),
     user_id         text NOT NULL,
     user_message_id uuid NOT NULL,
     status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'succeeded', 'failed')),
     owner_instance  text,
     error_code      text,
     created_at      timestamptz NOT NULL DEFAULT now(),
     started_at      timestamptz,
     finished_at     timestamptz
   )`,
  `CREATE TABLE IF NOT EXISTS messages (
     position          bigserial PRIMARY KEY,
     message_id        uuid NOT NULL UNIQUE,
     thread_id         uuid NOT NULL REFERENCES threads (thread_id),
     user_id           text NOT NULL,
     role              text NOT NULL CHECK (role IN ('user', 'assistant')),
     content           text NOT NULL,
     content_encoding  text NOT NULL DEFAULT 'plain' CHECK (content_encoding IN ('plain', 'json')),
     client_message_id uuid,
     run_id            uuid NOT NULL,
     created_at        timestamptz NOT NULL DEFAULT now()
   )`,
  // Databases made before content_encoding existed (see stored-text.ts).
  `ALTER TABLE messages ADD COLUMN IF NOT EXISTS content_encoding text NOT NULL DEFAULT 'plain' CHECK (content_encoding IN ('plain', 'json'))`,
  `CREATE INDEX IF NOT EXISTS messages_by_thread ON messages (thread_id, position)`,
  `CREATE INDEX IF NOT EXISTS messages_by_user ON messages (user_id, position)`,
  `CREATE UNIQUE INDEX IF NOT EXISTS one_assistant_message_per_run ON messages (run_id) WHERE role = 'assistant'`,
  // The idempotency ledger: one row per accepted (user, client_message_id).
  `CREATE TABLE IF NOT EXISTS accepted_messages (
     user_id           text NOT NULL,
     client_message_id uuid NOT NULL,
     message_id        uuid NOT NULL,
     thread_id         uuid NOT NULL,
     run_id            uuid NOT NULL,
     accepted_at       timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (user_id, client_message_id)
   )`,
  `CREATE TABLE IF NOT EXISTS run_events (
     run_id     uuid NOT NULL REFERENCES runs (run_id),
     seq        integer NOT NULL,
     type       text NOT NULL,
     frame_text text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (run_id, seq)
   )`,
  // Who runs a run: the instance's name (runs.owner_instance) and this process's life of it.
  `ALTER TABLE runs ADD COLUMN IF NOT EXISTS owner_incarnation uuid`,
  `CREATE INDEX IF NOT EXISTS unfinished_runs ON runs (owner_instance) WHERE status IN ('pending', 'running')`,
  // One lease per instance name, renewed by the process that holds the name now (see storage/lease-store.ts).
  `CREATE TABLE IF NOT EXISTS instance_leases (
     instance_id text PRIMARY KEY,
     incarnation uuid NOT NULL,
     expires_at  timestamptz NOT NULL
   )`,
  // When the lease was last renewed: a lease that still holds but has not been renewed for a while is one sign of death.
  `ALTER TABLE instance_leases ADD COLUMN IF NOT EXISTS renewed_at timestamptz NOT NULL DEFAULT now()`,
];

/**
 * The schema's version: raise it with every change to SCHEMA_STATEMENTS. A
 * database at this version is left alone — no DDL, so no table lock: an ALTER
 * TABLE takes an exclusive lock even when it has nothing to do, and an
 * instance starting beside busy peers would queue behind their transactions
 * (or deadlock with one that holds a lease row and waits on a run row).
 */
export const SCHEMA_VERSION = 2;

const VERSION_TABLE = 'golden_path_schema';

/** The version a database is at: 0 when it predates the version table (or is empty). */
async function versionOf(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [VERSION_TABLE]);
  if (rows[0]?.present !== true) return 0;
  const version = await db.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${VERSION_TABLE}`);
  return version.rows[0]?.version ?? 0;
}

/**
 * Create or bring the schema up to SCHEMA_VERSION if needed. The
 * transaction-scoped advisory lock makes two instances starting at once on an
 * empty database take turns; the second finds the version current and stops.
 */
export async function migrateSchema(db: Database): Promise<void> {
  if ((await versionOf(db)) >= SCHEMA_VERSION) return;
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    if ((await versionOf(tx)) >= SCHEMA_VERSION) return;
    for (const statement of SCHEMA_STATEMENTS) await tx.query(statement);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (version integer PRIMARY KEY, migrated_at timestamptz NOT NULL DEFAULT now())`);
    await tx.query(`INSERT INTO ${VERSION_TABLE} (version) VALUES ($1) ON CONFLICT DO NOTHING`, [SCHEMA_VERSION]);
  });
}
