/**
 * What the soak starts: a throwaway PostgreSQL and Redis (or a database and a
 * key namespace of its own on DATABASE_URL / REDIS_URL), one fault proxy in
 * front of each (the database and cache outages), and one or two instances
 * of the backend under test behind them, sharing both. Everything is
 * registered with the Cleanup the moment it exists.
 */
import { randomBytes } from 'node:crypto';
import { FaultProxy } from '../../support/services/fault-proxy';
import { startPostgres, type PostgresService } from '../../support/services/postgres-service';
import { startRedis, type RedisService } from '../../support/services/redis-service';
import { LaunchedBackend } from '../../support/target/launched-backend';
import { backendEnvironment, type LaunchSettings } from '../../support/target/suite-environment';
import type { LaunchedTargetConfig } from '../../support/target/target-config';
import { Cleanup } from '../bench/environment';
import { GiveUp, pollUntil } from '../../support/services/deadline';

export { Cleanup };

const BACKEND_START_TIMEOUT_MS = 30_000;
export const STOP_GRACE_MS = 12_000;
const JWT_ISSUER = 'golden-path-soak';
const JWT_AUDIENCE = 'golden-path-chat';

export interface SoakInstance {
  readonly name: string;
  readonly backend: LaunchedBackend;
}

export interface SoakEnvironment {
  readonly postgres: PostgresService;
  readonly redis: RedisService;
  readonly postgresProxy: FaultProxy;
  readonly redisProxy: FaultProxy;
  readonly instances: readonly SoakInstance[];
  /** Why only one instance runs, when asked for two. */
  readonly singleInstanceReason: string | undefined;
  readonly jwt: { readonly secret: string; readonly issuer: string; readonly audience: string };
}

function hostAndPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: parsed.port === '' ? defaultPort : Number(parsed.port) };
}

export interface EnvironmentOptions {
  readonly instances: 1 | 2;
  readonly stepDelayMs: number;
}

export async function startSoakEnvironment(config: LaunchedTargetConfig, options: EnvironmentOptions, cleanup: Cleanup, log: (line: string) => void): Promise<SoakEnvironment> {
  const [postgres, redis] = await Promise.all([
    startPostgres(config.databaseUrl).then((service) => {
      cleanup.add('PostgreSQL', () => service.dispose());
      return service;
    }),
    startRedis(config.redisUrl).then((service) => {
      cleanup.add('Redis', () => service.dispose());
      return service;
    }),
  ]);
  log(`${postgres.description}; ${redis.description}`);
  const postgresProxy = await FaultProxy.start(hostAndPort(postgres.url, 5432));
  cleanup.add('the PostgreSQL fault proxy', () => postgresProxy.close());
  const redisProxy = await FaultProxy.start(hostAndPort(redis.url, 6379));
  cleanup.add('the Redis fault proxy', () => redisProxy.close());

  const jwt = { secret: randomBytes(32).toString('base64url'), issuer: JWT_ISSUER, audience: JWT_AUDIENCE };
  const settings: LaunchSettings = { config, postgres, redis, jwtSecret: jwt.secret, testTokenKey: randomBytes(32).toString('base64url'), issuer: jwt.issuer, audience: jwt.audience };
  const launch = async (name: string): Promise<SoakInstance> => {
    const environment = backendEnvironment(settings, {
      INSTANCE_ID: `soak-${name}-${process.pid}`,
      AGENT_STEP_DELAY_MS: String(options.stepDelayMs),
      DATABASE_URL: postgresProxy.proxiedUrl(postgres.url),
      REDIS_URL: redisProxy.proxiedUrl(redis.url),
    });
    const backend = await LaunchedBackend.start({
      label: `backend-${name}`,
      command: config.command,
      commandLabel: `${config.commandLabel} (${name})`,
      cwd: config.cwd,
      environment,
      startTimeoutMs: BACKEND_START_TIMEOUT_MS,
    });
    cleanup.add(`backend ${name}`, () => backend.stop(STOP_GRACE_MS));
    await waitUntilReady(backend);
    return { name, backend };
  };

  const first = await launch('a');
  const instances: SoakInstance[] = [first];
  let singleInstanceReason: string | undefined = options.instances === 1 ? 'asked for one instance (--instances 1)' : undefined;
  if (options.instances === 2) {
    try {
      instances.push(await launch('b'));
    } catch (error) {
      // The protocol lets instances share PostgreSQL and Redis; a command that cannot run twice is reported, not fatal.
      singleInstanceReason = `a second instance of the backend command did not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
      log(`WARNING: ${singleInstanceReason}; soaking one instance`);
    }
  }
  log(`${config.commandLabel}: ${instances.map((i) => `${i.name} at ${i.backend.httpUrl} (pid ${String(i.backend.process.pid)})`).join(', ')}`);
  return { postgres, redis, postgresProxy, redisProxy, instances, singleInstanceReason, jwt };
}

/** /health/ready says `ready` once PostgreSQL and Redis are both up. */
async function waitUntilReady(backend: LaunchedBackend): Promise<void> {
  const url = `${backend.httpUrl}/health/ready`;
  await pollUntil(`GET ${url} to report status "ready"`, 15_000, async () => {
    if (backend.process.hasExited) throw new GiveUp(`the backend exited with code ${String(backend.process.exitCode)}`);
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    const body = (await response.json()) as { status?: unknown };
    return response.status === 200 && body.status === 'ready' ? true : undefined;
  }, 50);
}
