/**
 * Found by the whole suite run ten times (1 run in 10): an instance starting
 * beside a busy peer ran every ALTER TABLE of the schema again, each taking an
 * exclusive lock even with nothing to do; holding the one on `runs`, it waited
 * for `instance_leases` while the peer's sweep held that and waited for
 * `runs` — a deadlock, the migration its victim, PostgreSQL reported down at
 * startup and the user's resume refused. A database at the current schema
 * version is now left alone. Checked against a real PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../src/logger';
import { Database } from '../src/storage/database';
import { migrateSchema, SCHEMA_VERSION } from '../src/storage/schema';
import { withTimeout } from '../src/util/timing';
import { startThrowawayPostgres, type ThrowawayPostgres } from './embedded-postgres';

let postgres: ThrowawayPostgres;

void describe('migrateSchema', () => {
  before(async () => {
    postgres = await startThrowawayPostgres('schema');
  });
  after(() => postgres.stop());

  void it('makes the schema on an empty database and records its version', async () => {
    const db = new Database(postgres.url, silentLogger, 'schema test');
    try {
      await Promise.all([migrateSchema(db), migrateSchema(db)]);
      const { rows } = await db.query<{ version: number }>('SELECT max(version) AS version FROM golden_path_schema');
      assert.equal(rows[0]?.version, SCHEMA_VERSION);
    } finally {
      await db.close();
    }
  });

  void it('takes no table lock on a database at the current version, so busy peers never wait on it', async () => {
    const peer = new Database(postgres.url, silentLogger, 'busy peer');
    const starting = new Database(postgres.url, silentLogger, 'starting instance');
    let releasePeer: () => void = () => undefined;
    const peerHolds = new Promise<void>((resolve) => (releasePeer = resolve));
    try {
      await migrateSchema(peer);
      let locked: () => void = () => undefined;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      // The peer's transaction reads every table and stays open, as a sweep or a run would for a moment.
      const peerTransaction = peer.transaction(async (tx) => {
        await tx.query('LOCK TABLE runs, instance_leases, messages IN ACCESS SHARE MODE');
        locked();
        await peerHolds;
      });
      await lockTaken;
      await withTimeout(migrateSchema(starting), 2_000, 'migrating a current schema beside a peer holding its tables');
      releasePeer();
      await peerTransaction;
    } finally {
      releasePeer();
      await Promise.all([peer.close(), starting.close()]);
    }
  });
});
