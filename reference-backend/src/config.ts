import { hostname } from 'node:os';
import { Limits, TestTokens } from '../../protocol/constants';
import { AGENT_MODEL_NAMES, DEFAULT_AGENT_MODEL, isAgentModelName, type AgentModelName } from './agent/models';

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly jwt: JwtConfig;
  readonly agentStepDelayMs: number;
  /** Which agent model runs (AGENT_MODEL, not in the protocol): a name of agent/models.ts. */
  readonly agentModel: AgentModelName;
  readonly instanceId: string;
  /** Prefix of every Redis key and pub/sub channel (non-protocol, default `gp:`). */
  readonly redisKeyPrefix: string;
  /** E2E_TOKEN_KEY (PROTOCOL §10): when set, POST /auth/test-token mints tokens for whoever presents it. */
  readonly testTokenKey: string | undefined;
  /**
   * RUN_LEASE_MS (non-protocol): how long this instance's lease on its runs
   * lasts without a renewal; once it lapses, other instances end its open runs.
   */
  readonly runLeaseMs: number;
}

/**
 * The default lease: longer than the protocol's 10 s within which a live
 * instance ends a run that cannot finish (so a peer never ends a run that its
 * instance, cut off from the database but alive, is still ending itself), and
 * short enough that a dead instance's runs end well within the protocol's 30 s.
 */
export const DEFAULT_RUN_LEASE_MS = 12_000;
/** A shorter lease would be lost to a slow database round trip or a busy event loop. */
export const MIN_RUN_LEASE_MS = 1_000;
/**
 * The quick way to tell a dead instance (non-protocol): one that has neither
 * renewed its lease in PostgreSQL nor announced itself in Redis for this long
 * is taken for dead without waiting for its lease to lapse. Silence on one
 * channel alone proves nothing — an instance cut off from the database still
 * announces itself in Redis, and ends its own runs — so both must be silent,
 * and while Redis cannot be asked only the lapsed lease counts.
 */
export const INSTANCE_SILENCE_MS = 3_000;

export interface JwtConfig {
  readonly secret: string;
  readonly issuer: string;
  readonly audience: string;
}

/** One configuration problem, naming the offending environment variable. */
export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map((p) => `${p.variable} ${p.message}`).join('; '));
    this.name = 'ConfigError';
  }

  /** One line per problem, each naming its variable. */
  lines(): string[] {
    return this.problems.map((p) => `configuration error: ${p.variable} ${p.message}`);
  }
}

/** Exit status for a configuration error (EX_CONFIG from sysexits.h). */
export const CONFIG_ERROR_EXIT_CODE = 78;

export type Env = Readonly<Record<string, string | undefined>>;

/** How the configuration is read (main.ts; planted faults may wrap it). */
export type LoadConfig = (env: Env) => Config;

/** Read and validate the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): Config {
  const problems: ConfigProblem[] = [];
  const problem = (variable: string, message: string): void => {
    problems.push({ variable, message });
  };

  const host = nonEmpty(env.HOST) ?? '127.0.0.1';

  let port = 8080;
  const rawPort = nonEmpty(env.PORT);
  if (rawPort !== undefined) {
    const parsed = /^\d+$/.test(rawPort) ? Number(rawPort) : NaN;
    if (!Number.isInteger(parsed) || parsed > 65535) problem('PORT', 'must be an integer from 0 to 65535');
    else port = parsed;
  }

  const databaseUrl = requiredUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], problem);
  const redisUrl = requiredUrl(env, 'REDIS_URL', ['redis:', 'rediss:'], problem);

  const secret = env.JWT_SECRET;
  if (secret === undefined || secret === '') problem('JWT_SECRET', 'is required');
  else if (Buffer.byteLength(secret, 'utf8') < Limits.minJwtSecretBytes)
    problem('JWT_SECRET', `must be at least ${Limits.minJwtSecretBytes} bytes`);

  const issuer = nonEmpty(env.JWT_ISSUER);
  if (issuer === undefined) problem('JWT_ISSUER', 'is required');
  const audience = nonEmpty(env.JWT_AUDIENCE);
  if (audience === undefined) problem('JWT_AUDIENCE', 'is required');

  let agentStepDelayMs = 0;
  const rawDelay = nonEmpty(env.AGENT_STEP_DELAY_MS);
  if (rawDelay !== undefined) {
    const parsed = /^\d+$/.test(rawDelay) ? Number(rawDelay) : NaN;
    if (!Number.isSafeInteger(parsed)) problem('AGENT_STEP_DELAY_MS', 'must be a non-negative integer');
    else agentStepDelayMs = parsed;
  }

  let agentModel: AgentModelName = DEFAULT_AGENT_MODEL;
  const rawModel = nonEmpty(env.AGENT_MODEL);
  if (rawModel !== undefined) {
    if (isAgentModelName(rawModel)) agentModel = rawModel;
    else problem('AGENT_MODEL', `must be one of ${AGENT_MODEL_NAMES.join(', ')} (got "${rawModel}")`);
  }

  const instanceId = nonEmpty(env.INSTANCE_ID) ?? `${hostname()}-${process.pid}`;
  const redisKeyPrefix = env.REDIS_KEY_PREFIX ?? 'gp:';
  const testTokenKey = env.E2E_TOKEN_KEY === undefined || env.E2E_TOKEN_KEY === '' ? undefined : env.E2E_TOKEN_KEY;
  if (testTokenKey !== undefined && Buffer.byteLength(testTokenKey, 'utf8') < TestTokens.minKeyBytes)
    problem('E2E_TOKEN_KEY', `must be at least ${TestTokens.minKeyBytes} bytes when set`);

  let runLeaseMs = DEFAULT_RUN_LEASE_MS;
  const rawLease = nonEmpty(env.RUN_LEASE_MS);
  if (rawLease !== undefined) {
    const parsed = /^\d+$/.test(rawLease) ? Number(rawLease) : NaN;
    if (!Number.isSafeInteger(parsed) || parsed < MIN_RUN_LEASE_MS) problem('RUN_LEASE_MS', `must be an integer of at least ${MIN_RUN_LEASE_MS} (milliseconds)`);
    else runLeaseMs = parsed;
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host,
    port,
    databaseUrl: databaseUrl as string,
    redisUrl: redisUrl as string,
    jwt: { secret: secret as string, issuer: issuer as string, audience: audience as string },
    agentStepDelayMs,
    agentModel,
    instanceId,
    redisKeyPrefix,
    testTokenKey,
    runLeaseMs,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function requiredUrl(
  env: Env,
  variable: string,
  schemes: readonly string[],
  problem: (variable: string, message: string) => void,
): string | undefined {
  const raw = nonEmpty(env[variable]);
  if (raw === undefined) {
    problem(variable, 'is required');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problem(variable, 'is not a valid URL');
    return undefined;
  }
  if (!schemes.includes(url.protocol)) {
    problem(variable, `must use the ${schemes.map((s) => `${s}//`).join(' or ')} scheme`);
    return undefined;
  }
  return raw;
}
