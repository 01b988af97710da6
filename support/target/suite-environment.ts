import { randomBytes } from 'node:crypto';
import { TokenMinter } from '../auth/token-minter';
import type { EnvironmentProfile } from '../config/environment-profile';
import { startPostgres, type PostgresService } from '../services/postgres-service';
import { startRedis, type RedisService } from '../services/redis-service';
import { LaunchedBackend, type BackendLaunch } from './launched-backend';
import { ReadyTokenIdentity, SigningIdentities, TestTokenEndpoint, TokenCommand } from './identities';
import type { IdentityProvider, SystemUnderTest } from './system-under-test';
import { HttpPath, WEBSOCKET_PATH } from '../../protocol/constants';
import { readTargetConfig, type LaunchedTargetConfig, type RemoteTargetConfig } from './target-config';

/**
 * Everything one cucumber process (or parallel worker) shares across
 * scenarios: the backend and, when the suite launched it, its PostgreSQL and
 * Redis. Provisioned on first use, released in AfterAll.
 */
export interface SuiteEnvironment {
  readonly sut: SystemUnderTest;
  readonly setupMs: number;
  release(): Promise<void>;
}

let provisioning: Promise<SuiteEnvironment> | undefined;

/**
 * Before any scenario: a deployment's token source is checked once, so a wrong
 * key or a broken command stops the run with one message naming its variable
 * (a launched backend is provisioned lazily, on the first scenario that needs it).
 */
export async function checkRemoteTarget(profile: EnvironmentProfile): Promise<void> {
  if (readTargetConfig().mode === 'remote') await suiteEnvironment(profile);
}

export function suiteEnvironment(profile: EnvironmentProfile): Promise<SuiteEnvironment> {
  provisioning ??= provision(profile);
  return provisioning;
}

/** Releases whatever was provisioned; a failed provisioning has already cleaned up after itself. */
export async function releaseSuiteEnvironment(): Promise<void> {
  if (provisioning === undefined) return;
  const pending = provisioning;
  provisioning = undefined;
  const environment = await pending.catch((error: unknown) => {
    process.stderr.write(`golden-path: nothing to release, provisioning had failed: ${String(error)}\n`);
    return undefined;
  });
  await environment?.release();
}

function provision(profile: EnvironmentProfile): Promise<SuiteEnvironment> {
  const config = readTargetConfig();
  if (config.mode === 'launched') return launchedEnvironment(config, profile);
  const environment = remoteEnvironment(config, profile);
  // A token source that cannot sign anyone in (a wrong key, a broken command) stops the run here, naming its variable.
  return environment.sut.identities.check().then(() => environment);
}

function remoteEnvironment(config: RemoteTargetConfig, profile: EnvironmentProfile): SuiteEnvironment {
  const base = new URL(config.url);
  const wsUrl = new URL(WEBSOCKET_PATH, base);
  wsUrl.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    sut: {
      httpUrl: base.origin,
      wsUrl: wsUrl.toString(),
      ...(config.ca === undefined ? {} : { ca: config.ca }),
      description: `the deployment at ${base.origin}`,
      controlled: false,
      identities: tokenSource(config, profile),
      testTokens: config.testTokens,
    },
    setupMs: 0,
    release: () => Promise.resolve(),
  };
}

function tokenSource(config: RemoteTargetConfig, profile: EnvironmentProfile): IdentityProvider {
  const { tokens } = config;
  switch (tokens.kind) {
    case 'secret':
      return new SigningIdentities(TokenMinter.withSecret(tokens.secret, tokens.issuer, tokens.audience));
    case 'endpoint':
      return new TestTokenEndpoint(tokens.url, tokens.key, config.ca, profile.replyWithinMs);
    case 'command':
      return new TokenCommand(tokens.command, profile.patienceMs);
    case 'ready-token':
      return new ReadyTokenIdentity(tokens.token);
  }
}

/** The signing settings the suite gives every backend it launches. */
export interface LaunchSettings {
  readonly config: LaunchedTargetConfig;
  readonly postgres: PostgresService;
  readonly redis: RedisService;
  readonly jwtSecret: string;
  /** E2E_TOKEN_KEY (PROTOCOL §10): a backend that implements test tokens offers them with it; others ignore it. */
  readonly testTokenKey: string;
  readonly issuer: string;
  readonly audience: string;
}

export function backendEnvironment(settings: LaunchSettings, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: settings.postgres.url,
    REDIS_URL: settings.redis.url,
    REDIS_KEY_PREFIX: settings.redis.keyPrefix,
    JWT_SECRET: settings.jwtSecret,
    JWT_ISSUER: settings.issuer,
    JWT_AUDIENCE: settings.audience,
    E2E_TOKEN_KEY: settings.testTokenKey,
    AGENT_STEP_DELAY_MS: '0',
    ...extra,
  };
}

async function launchedEnvironment(config: LaunchedTargetConfig, profile: EnvironmentProfile): Promise<SuiteEnvironment> {
  const started = performance.now();
  const [postgres, redis] = await startBoth(config);
  const settings: LaunchSettings = {
    config,
    postgres,
    redis,
    jwtSecret: randomBytes(32).toString('base64url'),
    testTokenKey: randomBytes(32).toString('base64url'),
    issuer: 'golden-path-suite',
    audience: 'golden-path-chat',
  };
  const releaseServices = async (): Promise<void> => {
    await Promise.all([postgres.dispose(), redis.dispose()]);
  };
  let backend: LaunchedBackend;
  try {
    backend = await LaunchedBackend.start({
      label: 'backend',
      command: config.command,
      commandLabel: config.commandLabel,
      cwd: config.cwd,
      environment: backendEnvironment(settings, { INSTANCE_ID: `suite-${process.pid}` }),
      startTimeoutMs: profile.backendStartTimeoutMs,
    });
  } catch (error) {
    await releaseServices();
    throw error;
  }
  const setupMs = performance.now() - started;
  process.stderr.write(
    `golden-path: ${config.commandLabel} ready at ${backend.httpUrl} with ${postgres.description} and ${redis.description} ` +
      `in ${(setupMs / 1000).toFixed(2)} s\n`,
  );
  launchSettings = settings;
  const extras: LaunchedBackend[] = [];
  extraBackends = extras;
  return {
    sut: {
      httpUrl: backend.httpUrl,
      wsUrl: backend.wsUrl,
      description: `${config.commandLabel} on ${backend.httpUrl}`,
      controlled: true,
      identities: new SigningIdentities(TokenMinter.withSecret(settings.jwtSecret, settings.issuer, settings.audience)),
      testTokens: { url: `${backend.httpUrl}${HttpPath.testToken}`, key: settings.testTokenKey },
    },
    setupMs,
    release: async () => {
      launchSettings = undefined;
      pacedBackend = undefined;
      await Promise.all([backend, ...extras].map((launched) => launched.stop(profile.shutdownGraceMs)));
      await releaseServices();
    },
  };
}

let launchSettings: LaunchSettings | undefined;
let extraBackends: LaunchedBackend[] = [];
let pacedBackend: Promise<LaunchedBackend> | undefined;

/** The launch settings, or a clear refusal when the target is remote. */
export function requireLaunchSettings(): LaunchSettings {
  if (launchSettings === undefined) {
    throw new Error('this scenario needs to launch a backend of its own, which the suite cannot do against a remote deployment: it should be tagged @needs_control');
  }
  return launchSettings;
}

/**
 * How to start another instance of the backend command: the suite's signing
 * settings and services, with `changes` applied (undefined removes a variable).
 */
function anotherInstance(profile: EnvironmentProfile, label: string, changes: Record<string, string | undefined>): BackendLaunch {
  const settings = requireLaunchSettings();
  const environment: Record<string, string> = backendEnvironment(settings, { INSTANCE_ID: `${label}-${process.pid}` });
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete environment[name];
    else environment[name] = value;
  }
  return {
    label,
    command: settings.config.command,
    commandLabel: `${settings.config.commandLabel} (${label})`,
    cwd: settings.config.cwd,
    environment,
    startTimeoutMs: profile.backendStartTimeoutMs,
  };
}

/**
 * Starts another instance and waits until it is ready. `urls` replaces its
 * dependencies' addresses (e.g. fault proxies). The caller owns it and stops it.
 */
export function launchBackend(
  profile: EnvironmentProfile,
  label: string,
  extra: Record<string, string | undefined>,
  urls: { postgres?: string; redis?: string } = {},
): Promise<LaunchedBackend> {
  const addresses = { ...(urls.postgres === undefined ? {} : { DATABASE_URL: urls.postgres }), ...(urls.redis === undefined ? {} : { REDIS_URL: urls.redis }) };
  return LaunchedBackend.start(anotherInstance(profile, label, { ...extra, ...addresses }));
}

/** Starts another instance without waiting for readiness: for backends that are meant to refuse to start. */
export function spawnBackend(profile: EnvironmentProfile, label: string, changes: Record<string, string | undefined>): Promise<LaunchedBackend> {
  return LaunchedBackend.spawn(anotherInstance(profile, label, changes));
}

/** Like `launchBackend`, but kept until the suite ends. */
async function launchSharedBackend(profile: EnvironmentProfile, label: string, extra: Record<string, string>): Promise<LaunchedBackend> {
  const backend = await launchBackend(profile, label, extra);
  extraBackends.push(backend);
  return backend;
}

/** One backend per worker whose agent takes `stepDelayMs` per step (AGENT_STEP_DELAY_MS), for runs long enough to interrupt. */
export function pacedBackendFor(profile: EnvironmentProfile): Promise<LaunchedBackend> {
  pacedBackend ??= launchSharedBackend(profile, 'paced', { AGENT_STEP_DELAY_MS: String(profile.pacedStepDelayMs) });
  return pacedBackend;
}

async function startBoth(config: LaunchedTargetConfig): Promise<[PostgresService, RedisService]> {
  const [postgres, redis] = await Promise.allSettled([startPostgres(config.databaseUrl), startRedis(config.redisUrl)]);
  if (postgres.status === 'fulfilled' && redis.status === 'fulfilled') return [postgres.value, redis.value];
  await Promise.all([
    postgres.status === 'fulfilled' ? postgres.value.dispose() : undefined,
    redis.status === 'fulfilled' ? redis.value.dispose() : undefined,
  ]);
  const failure: unknown = postgres.status === 'rejected' ? postgres.reason : (redis as PromiseRejectedResult).reason;
  throw failure instanceof Error ? failure : new Error(String(failure));
}
