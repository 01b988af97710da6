/**
 * Everything the bench starts, and the one place that stops it again: a
 * throwaway PostgreSQL and Redis (the suite's own service helpers), the
 * backend under test (the reference backend, or GOLDEN_PATH_BACKEND_CMD), and
 * the bare `ws` baseline server, each a separate process on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { OwnedProcess } from '../../support/services/child-process';
import { GiveUp, pollUntil } from '../../support/services/deadline';
import { freePort } from '../../support/services/free-port';
import { startPostgres, type PostgresService } from '../../support/services/postgres-service';
import { startRedis, type RedisService } from '../../support/services/redis-service';
import { LaunchedBackend } from '../../support/target/launched-backend';
import { backendEnvironment, type LaunchSettings } from '../../support/target/suite-environment';
import { PROJECT_ROOT, readTargetConfig, type LaunchedTargetConfig } from '../../support/target/target-config';
import { BARE_SERVER_READY_LINE } from './bare-server';

export const BACKEND_START_TIMEOUT_MS = 30_000;
const BARE_START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;
const JWT_ISSUER = 'golden-path-bench';
const JWT_AUDIENCE = 'golden-path-chat';

/** Stops what was started, newest first; every failure is reported, none stops the rest. */
export class Cleanup {
  private readonly steps: { label: string; run: () => Promise<void> }[] = [];
  private running: Promise<string[]> | undefined;

  add(label: string, run: () => Promise<void>): void {
    this.steps.push({ label, run });
  }

  /** Idempotent: a second call waits for the first. Resolves with the failures. */
  run(): Promise<string[]> {
    this.running ??= (async () => {
      const failures: string[] = [];
      for (const step of this.steps.splice(0).reverse()) {
        try {
          await step.run();
        } catch (error) {
          failures.push(`stopping ${step.label} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return failures;
    })();
    return this.running;
  }
}

export interface BenchEnvironment {
  readonly config: LaunchedTargetConfig;
  readonly backend: LaunchedBackend;
  readonly bareWsUrl: string;
  readonly barePid: number | undefined;
  readonly jwt: { readonly secret: string; readonly issuer: string; readonly audience: string };
  readonly postgres: PostgresService;
  readonly redis: RedisService;
  readonly setupSeconds: number;
}

export function benchTargetConfig(): LaunchedTargetConfig {
  const config = readTargetConfig();
  if (config.mode !== 'launched') {
    throw new Error(
      'the bench launches and measures its own backend on 127.0.0.1; it cannot measure a remote deployment. ' +
        'Unset GOLDEN_PATH_URL (set GOLDEN_PATH_BACKEND_CMD to measure another backend command).',
    );
  }
  return config;
}

/** Starts everything; whatever started is registered with `cleanup` at once, so a failure midway leaves nothing behind. */
export async function startBenchEnvironment(config: LaunchedTargetConfig, cleanup: Cleanup, log: (line: string) => void): Promise<BenchEnvironment> {
  const started = performance.now();
  const postgresStart = startPostgres(config.databaseUrl).then((service) => {
    cleanup.add('PostgreSQL', () => service.dispose());
    return service;
  });
  const redisStart = startRedis(config.redisUrl).then((service) => {
    cleanup.add('Redis', () => service.dispose());
    return service;
  });
  const bareStart = startBareServer(cleanup);
  const [postgres, redis, bare] = await settleAll([postgresStart, redisStart, bareStart] as const);
  log(`${postgres.description}; ${redis.description}; bare ws server on ${bare.wsUrl}`);

  const jwt = { secret: randomBytes(32).toString('base64url'), issuer: JWT_ISSUER, audience: JWT_AUDIENCE };
  const settings: LaunchSettings = { config, postgres, redis, jwtSecret: jwt.secret, testTokenKey: randomBytes(32).toString('base64url'), issuer: jwt.issuer, audience: jwt.audience };
  const backend = await LaunchedBackend.start({
    label: 'backend',
    command: config.command,
    commandLabel: config.commandLabel,
    cwd: config.cwd,
    environment: backendEnvironment(settings, { INSTANCE_ID: `bench-${process.pid}`, AGENT_STEP_DELAY_MS: '0' }),
    startTimeoutMs: BACKEND_START_TIMEOUT_MS,
  });
  cleanup.add('the backend', () => backend.stop(STOP_GRACE_MS));
  await waitUntilReady(backend);
  log(`${config.commandLabel} ready at ${backend.httpUrl}`);
  return { config, backend, bareWsUrl: bare.wsUrl, barePid: bare.pid, jwt, postgres, redis, setupSeconds: (performance.now() - started) / 1000 };
}

/** Waits for all; when any fails, still waits for the rest (their cleanup is registered) and throws the first failure. */
async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

async function startBareServer(cleanup: Cleanup): Promise<{ wsUrl: string; pid: number | undefined }> {
  const port = await freePort();
  const script = join(PROJECT_ROOT, 'scripts', 'bench', 'bare-server.ts');
  const server = OwnedProcess.start(
    'bare-server',
    process.execPath,
    ['--require', 'ts-node/register/transpile-only', script],
    { ...process.env, PORT: String(port) },
    PROJECT_ROOT,
  );
  cleanup.add('the bare ws server', () => server.stop(STOP_GRACE_MS));
  await pollUntil(`the bare ws server to listen on 127.0.0.1:${port}`, BARE_START_TIMEOUT_MS, () => {
    if (server.hasExited) {
      throw new GiveUp(`the bare ws server exited with code ${String(server.exitCode)}: ${server.stderr().slice(-1_000)}`);
    }
    return Promise.resolve(server.stdout().includes(BARE_SERVER_READY_LINE) ? true : undefined);
  });
  return { wsUrl: `ws://127.0.0.1:${port}/ws`, pid: server.pid };
}

/** PROTOCOL §2: /health/ready says `ready` once PostgreSQL and Redis are both up; measuring a degraded backend would mislead. */
async function waitUntilReady(backend: LaunchedBackend): Promise<void> {
  const url = `${backend.httpUrl}/health/ready`;
  await pollUntil(`GET ${url} to report status "ready" (PostgreSQL and Redis up)`, 10_000, async () => {
    if (backend.process.hasExited) throw new GiveUp(`the backend exited with code ${String(backend.process.exitCode)}`);
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    const body = (await response.json()) as { status?: unknown };
    return response.status === 200 && body.status === 'ready' ? true : undefined;
  }, 50);
}

/** Open WebSockets the backend counts on GET /health (PROTOCOL §2). */
export async function openConnections(backend: LaunchedBackend): Promise<number> {
  const response = await fetch(`${backend.httpUrl}/health`, { signal: AbortSignal.timeout(2_000) });
  const body = (await response.json()) as { connections?: unknown };
  if (typeof body.connections !== 'number') throw new Error(`GET /health has no numeric "connections": ${JSON.stringify(body)}`);
  return body.connections;
}

/** Between phases: wait (bounded) until the backend has let go of every connection of the previous phase. */
export async function waitUntilIdle(backend: LaunchedBackend, timeoutMs = 5_000): Promise<void> {
  await pollUntil('the backend to report 0 open connections on GET /health', timeoutMs, async () => {
    if (backend.process.hasExited) throw new GiveUp(`the backend exited with code ${String(backend.process.exitCode)}`);
    return (await openConnections(backend)) === 0 ? true : undefined;
  }, 20);
}
