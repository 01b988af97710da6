/**
 * A run given DATABASE_URL makes a database of its own on that server. Killed
 * by a signal, it used to leave that database behind (the signal handler
 * killed the children and died at once). Now it drops it on the way out, and
 * a run killed outright (SIGKILL) has its database dropped by the next run on
 * the same host — never a database of a run still alive, nor another host's.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { ownerIsGone, reapAbandonedDatabases, startPostgres, type PostgresService } from '../support/services/postgres-service';
import { PROJECT_ROOT } from '../support/target/target-config';

let server: PostgresService;
let serverUrl: string;

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

/** A run in a child process that makes its database on `serverUrl` and waits to be killed. */
async function runThatWaits(): Promise<{ name: string; kill: (signal: NodeJS.Signals) => Promise<NodeJS.Signals | null> }> {
  const script =
    "require('./support/services/postgres-service').startPostgres(process.env.DATABASE_URL)" +
    ".then((s) => { process.stdout.write('READY ' + new URL(s.url).pathname.slice(1) + '\\n'); setInterval(() => undefined, 1000); })";
  const child = spawn(process.execPath, ['--require', 'ts-node/register/transpile-only', '-e', script], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DATABASE_URL: serverUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  const name = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child run did not make its database within 30 s: ${output}`)), 30_000);
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      const match = /READY (\S+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.once('exit', (code) => reject(new Error(`the child run exited with ${String(code)}: ${output}`)));
  });
  return {
    name,
    kill: async (signal) => {
      child.kill(signal);
      const [, died] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
      return died;
    },
  };
}

void describe('a run database on DATABASE_URL does not outlive its run', () => {
  before(async () => {
    // A PostgreSQL of the test's own stands in for the one DATABASE_URL names.
    server = await startPostgres(undefined);
    const url = new URL(server.url);
    url.pathname = '/postgres';
    serverUrl = url.toString();
  });
  after(async () => {
    await server.dispose();
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    void it(`is dropped when the run is killed by ${signal}, and the run still dies of the signal`, async () => {
      const run = await runThatWaits();
      assert.equal(await databaseExists(run.name), true, 'the run made its database');
      assert.equal(await run.kill(signal), signal);
      assert.equal(await databaseExists(run.name), false, `the database of a run killed by ${signal} is gone`);
    });
  }

  void it('is dropped by the next run when the run was killed outright (SIGKILL)', async () => {
    const run = await runThatWaits();
    assert.equal(await run.kill('SIGKILL'), 'SIGKILL');
    assert.equal(await databaseExists(run.name), true, 'nothing can clean up after SIGKILL');
    const next = await startPostgres(serverUrl);
    try {
      assert.match(next.description, new RegExp(`dropped 1 left by killed runs \\(${run.name}\\)`));
      assert.equal(await databaseExists(run.name), false);
    } finally {
      await next.dispose();
    }
  });

  void it("leaves the databases of live runs alone, and other hosts' runs", async () => {
    const live = await runThatWaits();
    const mine = await startPostgres(serverUrl);
    try {
      assert.deepEqual(await reapAbandonedDatabases(serverUrl), []);
      assert.equal(await databaseExists(live.name), true);
      assert.equal(await databaseExists(new URL(mine.url).pathname.slice(1)), true);
      assert.equal(ownerIsGone({ host: 'some-other-machine', pid: 999_999_999, started: 1 }), false);
      assert.equal(ownerIsGone({ host: (await import('node:os')).hostname(), pid: process.pid, started: null }), false);
    } finally {
      await mine.dispose();
      await live.kill('SIGTERM');
    }
  });
});
