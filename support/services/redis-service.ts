import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import Redis from 'ioredis';
import { freePort } from './free-port';
import { OwnedProcess } from './child-process';
import { GiveUp, pollUntil } from './deadline';

/** A Redis this run may use, with a key namespace of its own. */
export interface RedisService {
  /** Handed to the backend as REDIS_URL. */
  readonly url: string;
  /** Handed to the backend as REDIS_KEY_PREFIX: keys and channels of this run. */
  readonly keyPrefix: string;
  readonly description: string;
  dispose(): Promise<void>;
}

export class RedisUnavailableError extends Error {}

/**
 * With `REDIS_URL` set, uses that server under a namespace of this run's own
 * (its keys are deleted at the end); otherwise starts a throwaway
 * `redis-server` on a free port.
 */
export async function startRedis(existingServerUrl: string | undefined): Promise<RedisService> {
  const keyPrefix = `gp:${process.pid}:${randomBytes(4).toString('hex')}:`;
  if (existingServerUrl !== undefined && existingServerUrl !== '') {
    return {
      url: existingServerUrl,
      keyPrefix,
      description: `Redis at ${new URL(existingServerUrl).host} (REDIS_URL), namespace ${keyPrefix}`,
      dispose: () => deleteNamespace(existingServerUrl, keyPrefix),
    };
  }
  const binary = findRedisServer();
  const port = await freePort();
  const server = OwnedProcess.start('redis-server', binary, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp', '--loglevel', 'warning',
  ], process.env);
  const url = `redis://127.0.0.1:${port}`;
  await pollUntil(`the throwaway redis-server on port ${port} to answer PING`, 5_000, async () => {
    if (server.hasExited) throw new GiveUp(`redis-server exited early: ${server.stderr() || server.stdout()}`);
    return (await ping(url)) ? true : undefined;
  });
  return {
    url,
    keyPrefix,
    description: `throwaway redis-server on 127.0.0.1:${port}`,
    dispose: () => server.stop(2_000),
  };
}

function findRedisServer(): string {
  try {
    return execFileSync('/bin/sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new RedisUnavailableError(
      'No Redis for the suite: there is no `redis-server` binary on PATH and REDIS_URL is not set. ' +
        'Fix it one of two ways: install Redis (Debian/Ubuntu: `apt-get install redis-server`, macOS: `brew install redis`) ' +
        'so the suite can start a throwaway one, or set REDIS_URL=redis://host:port to use an existing server.',
    );
  }
}

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined); // the connect() rejection below carries the error
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } finally {
    client.disconnect();
  }
}

async function deleteNamespace(url: string, keyPrefix: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
