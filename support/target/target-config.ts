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
  readonly tokens:
    | { readonly kind: 'secret'; readonly secret: string; readonly issuer: string; readonly audience: string }
    | { readonly kind: 'ready-token'; readonly token: string };
}

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
  } catch {
    throw new Error(`GOLDEN_PATH_URL ${JSON.stringify(rawUrl)} is not a URL: give the deployment's base, e.g. https://chat.staging.example.com`);
  }
  const token = nonEmpty(env.GOLDEN_PATH_TOKEN);
  const secret = nonEmpty(env.GOLDEN_PATH_JWT_SECRET);
  const issuer = nonEmpty(env.GOLDEN_PATH_JWT_ISSUER);
  const audience = nonEmpty(env.GOLDEN_PATH_JWT_AUDIENCE);
  if (secret !== undefined && issuer !== undefined && audience !== undefined) {
    return { mode: 'remote', url, tokens: { kind: 'secret', secret, issuer, audience } };
  }
  if (token !== undefined) return { mode: 'remote', url, tokens: { kind: 'ready-token', token } };
  throw new Error(
    'GOLDEN_PATH_URL is set but the suite has no way to sign users in: set GOLDEN_PATH_JWT_SECRET, ' +
      'GOLDEN_PATH_JWT_ISSUER and GOLDEN_PATH_JWT_AUDIENCE (the deployment\'s signing settings), or GOLDEN_PATH_TOKEN (one ready token).',
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
