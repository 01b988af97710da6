/**
 * Asked for by the soak's round (issue 15): startup must not hang when
 * PostgreSQL accepts TCP but never answers (a half-dead server, a network
 * path that drops replies) — the backend comes up, says it is unavailable,
 * and still shuts down promptly. Redis here refuses connections outright.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startServer } from '../src/app';
import { loadConfig } from '../src/config';
import { silentLogger } from '../src/logger';
import { withTimeout } from '../src/util/timing';

/** The protocol lets a misconfiguration take 10 s to exit; a start on a silent database gets much less. */
const START_WITHIN_MS = 5_000;
const SHUTDOWN_WITHIN_MS = 8_000;

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address !== null && typeof address === 'object') resolve(address.port);
      else reject(new Error('no port'));
    });
  });
}

/** A port nothing listens on: bound, then released. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let silentPostgres: Server;
let postgresPort: number;
const held: Socket[] = [];

void describe('startup beside a PostgreSQL that accepts TCP and never answers', () => {
  before(async () => {
    silentPostgres = createServer((socket) => void held.push(socket));
    postgresPort = await listen(silentPostgres);
  });
  after(async () => {
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => silentPostgres.close(() => resolve()));
  });

  void it('comes up within seconds, reports itself unavailable, and shuts down promptly', async () => {
    const config = loadConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: `postgres://postgres@127.0.0.1:${postgresPort}/silent`,
      REDIS_URL: `redis://127.0.0.1:${await refusedPort()}`,
      JWT_SECRET: 'a'.repeat(32),
      JWT_ISSUER: 'issuer',
      JWT_AUDIENCE: 'audience',
    });
    const started = performance.now();
    const server = await withTimeout(startServer(config, silentLogger), START_WITHIN_MS, 'starting beside a silent PostgreSQL');
    try {
      assert.ok(held.length > 0, 'the backend never even connected to the silent PostgreSQL');
      const health = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(2_000) });
      assert.equal(health.status, 200, `/health answered ${health.status} ${(performance.now() - started).toFixed(0)} ms after the start`);
      const ready = await fetch(`${server.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      assert.equal(ready.status, 503);
      assert.equal(((await ready.json()) as { status?: unknown }).status, 'unavailable');
    } finally {
      await withTimeout(server.shutdown(), SHUTDOWN_WITHIN_MS, 'shutting down beside a silent PostgreSQL');
    }
  });
});
