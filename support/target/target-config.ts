import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * How the suite reaches the system under test, read from the environment:
 *
 * - `GOLDEN_PATH_URL` (+ a token source): a running deployment the suite does
 *   not control;
 * - `GOLDEN_PATH_BACKEND_CMD`: any backend command, launched like the
 *   reference backend;
 * - neither: the reference backend in `reference-backend/`.
 */
export type TargetConfig = LaunchedTargetConfig | RemoteTargetConfig;

export interface LaunchedTargetConfig {
  readonly mode: 'launched';
  readonly command: string;
  readonly commandLabel: string;
  readonly cwd: string;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
}

export interface RemoteTargetConfig {
  readonly mode: 'remote';
  readonly url: URL;
  readonly tokens: TokenSourceConfig;
  /** GOLDEN_PATH_CA_FILE: a private CA the deployment's certificate is signed by (PEM). */
  readonly ca: Buffer | undefined;
  /** GOLDEN_PATH_TOKEN_URL + _KEY when given, whatever the token source: the §10 scenarios need them. */
  readonly testTokens: { readonly url: string; readonly key: string } | undefined;
}

/** How the suite signs users in against a deployment it does not control (README, "Running against staging"). */
export type TokenSourceConfig =
  | { readonly kind: 'secret'; readonly secret: string; readonly issuer: string; readonly audience: string }
  | { readonly kind: 'endpoint'; readonly url: string; readonly key: string }
  | { readonly kind: 'command'; readonly command: string }
  | { readonly kind: 'ready-token'; readonly token: string };

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
export const REFERENCE_BACKEND_COMMAND =
  'node --require ts-node/register/transpile-only reference-backend/src/main.ts';

export function readTargetConfig(env: NodeJS.ProcessEnv = process.env): TargetConfig {
  const url = nonEmpty(env.GOLDEN_PATH_URL);
  if (url !== undefined) return remoteConfig(url, env);
  const command = nonEmpty(env.GOLDEN_PATH_BACKEND_CMD);
  return {
    mode: 'launched',
    command: command ?? REFERENCE_BACKEND_COMMAND,
    commandLabel: command === undefined ? 'the reference backend' : `GOLDEN_PATH_BACKEND_CMD \`${command}\``,
    cwd: PROJECT_ROOT,
    databaseUrl: nonEmpty(env.DATABASE_URL),
    redisUrl: nonEmpty(env.REDIS_URL),
  };
}

function remoteConfig(rawUrl: string, env: NodeJS.ProcessEnv): RemoteTargetConfig {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch (error) {
    throw new Error(`GOLDEN_PATH_URL ${JSON.stringify(rawUrl)} is not a URL: give the deployment's base, e.g. https://chat.staging.example.com`, { cause: error });
  }
  const caFile = nonEmpty(env.GOLDEN_PATH_CA_FILE);
  let ca: Buffer | undefined;
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile);
    } catch (error) {
      throw new Error(`GOLDEN_PATH_CA_FILE names ${caFile}, which cannot be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  const tokenUrl = nonEmpty(env.GOLDEN_PATH_TOKEN_URL);
  const tokenKey = nonEmpty(env.GOLDEN_PATH_TOKEN_KEY);
  if ((tokenUrl === undefined) !== (tokenKey === undefined)) {
    throw new Error(`${tokenUrl === undefined ? 'GOLDEN_PATH_TOKEN_KEY' : 'GOLDEN_PATH_TOKEN_URL'} is set without ${tokenUrl === undefined ? 'GOLDEN_PATH_TOKEN_URL' : 'GOLDEN_PATH_TOKEN_KEY'}: the test-token endpoint needs both its address and its key`);
  }
  const testTokens = tokenUrl !== undefined && tokenKey !== undefined ? { url: tokenUrl, key: tokenKey } : undefined;
  const base = { mode: 'remote' as const, url, ca, testTokens };
  const secret = nonEmpty(env.GOLDEN_PATH_JWT_SECRET);
  const issuer = nonEmpty(env.GOLDEN_PATH_JWT_ISSUER);
  const audience = nonEmpty(env.GOLDEN_PATH_JWT_AUDIENCE);
  if (secret !== undefined && issuer !== undefined && audience !== undefined) return { ...base, tokens: { kind: 'secret', secret, issuer, audience } };
  if (testTokens !== undefined) return { ...base, tokens: { kind: 'endpoint', ...testTokens } };
  const command = nonEmpty(env.GOLDEN_PATH_TOKEN_CMD);
  if (command !== undefined) return { ...base, tokens: { kind: 'command', command } };
  const token = nonEmpty(env.GOLDEN_PATH_TOKEN);
  if (token !== undefined) return { ...base, tokens: { kind: 'ready-token', token } };
  throw new Error(
    'GOLDEN_PATH_URL is set but the suite has no way to sign users in. Give it one of: the signing settings (GOLDEN_PATH_JWT_SECRET, ' +
      "GOLDEN_PATH_JWT_ISSUER, GOLDEN_PATH_JWT_AUDIENCE); the deployment's test-token endpoint (GOLDEN_PATH_TOKEN_URL and GOLDEN_PATH_TOKEN_KEY); " +
      'a command that prints a token (GOLDEN_PATH_TOKEN_CMD); or one ready token (GOLDEN_PATH_TOKEN). See README, "Running against staging".',
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
