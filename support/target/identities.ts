import { spawn } from 'node:child_process';
import { HttpPath, TestTokens } from '../../protocol/constants';
import { claimsOf } from '../auth/hostile-tokens';
import type { TokenMinter, UserTokenOptions } from '../auth/token-minter';
import { httpCall } from '../client/http-client';
import { asUserId, newUserId, type UserId } from '../domain/ids';
import type { IdentityProvider, SuiteNeed } from './system-under-test';

/**
 * The token sources: how the suite signs users in. Each says what it can
 * give (SuiteNeed); a scenario that needs more is reported as not run, with
 * the reason, never skipped silently and never passed.
 */
const EVERYTHING_BUT_THE_SECRET: readonly SuiteNeed[] = ['several users', 'tokens of any permissions and lifetime'];

/** Knows the signing secret: any user, any permissions, any expiry, any claims. */
export class SigningIdentities implements IdentityProvider {
  readonly source = 'the signing settings';
  readonly can: ReadonlySet<SuiteNeed> = new Set<SuiteNeed>([...EVERYTHING_BUT_THE_SECRET, 'the signing secret']);

  constructor(readonly minter: TokenMinter) {}

  userIdFor(name: string): UserId {
    return newUserId(name);
  }

  tokenFor(userId: UserId, options: UserTokenOptions): Promise<string> {
    return Promise.resolve(this.minter.forUser(userId, options));
  }

  check(): Promise<void> {
    return Promise.resolve();
  }
}

/** PROTOCOL §10: tokens from the deployment's test-token endpoint (GOLDEN_PATH_TOKEN_URL + GOLDEN_PATH_TOKEN_KEY). */
export class TestTokenEndpoint implements IdentityProvider {
  readonly minter = undefined;
  readonly can: ReadonlySet<SuiteNeed> = new Set(EVERYTHING_BUT_THE_SECRET);
  /** Long-lived tokens are reused while they have 10 minutes left: the endpoint allows 600 requests a minute per key. */
  private readonly cache = new Map<string, { token: string; exp: number }>();

  constructor(
    private readonly url: string,
    private readonly key: string,
    private readonly ca: Buffer | undefined,
    private readonly timeoutMs: number,
  ) {}

  get source(): string {
    return `the test-token endpoint ${this.url}`;
  }

  userIdFor(name: string): UserId {
    return newUserId(name);
  }

  async tokenFor(userId: UserId, options: UserTokenOptions): Promise<string> {
    const key = `${userId}|${[...options.permissions].sort().join(',')}|${options.expiresInSeconds}`;
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.exp - Date.now() / 1000 > 600) return cached.token;
    const answer = await httpCall(this.url, {
      method: 'POST',
      headers: { [TestTokens.keyHeader]: this.key },
      body: JSON.stringify({ sub: userId, permissions: options.permissions, expires_in: options.expiresInSeconds }),
      timeoutMs: this.timeoutMs,
      ca: this.ca,
    });
    const token = (answer.body as { token?: unknown } | undefined)?.token;
    if (answer.status === 401) throw new Error(`GOLDEN_PATH_TOKEN_KEY was refused by ${this.url} (HTTP 401 ${answer.text.slice(0, 160)}): set it to the deployment's E2E_TOKEN_KEY`);
    if (answer.status === 404) throw new Error(`${this.url} answers 404: the deployment does not offer test tokens (PROTOCOL §10, started without E2E_TOKEN_KEY), or GOLDEN_PATH_TOKEN_URL names the wrong path (${HttpPath.testToken})`);
    if (answer.status !== 200 || typeof token !== 'string') throw new Error(`the test-token endpoint ${this.url} answered HTTP ${answer.status} ${answer.text.slice(0, 200)} for ${userId}: the suite cannot sign users in`);
    if (options.expiresInSeconds > 600) this.cache.set(key, { token, exp: Number(claimsOf(token).exp) });
    return token;
  }

  /** Before any scenario: a wrong key or a missing endpoint stops the run at once, naming the variable. */
  async check(): Promise<void> {
    await this.tokenFor(newUserId('tokencheck'), { permissions: ['read'], expiresInSeconds: 60 });
  }
}

/** GOLDEN_PATH_TOKEN_CMD: any command that prints a token for the user id and permissions it gets in its environment (a team's own identity provider). */
export class TokenCommand implements IdentityProvider {
  readonly minter = undefined;
  readonly can: ReadonlySet<SuiteNeed> = new Set(EVERYTHING_BUT_THE_SECRET);

  constructor(
    private readonly command: string,
    private readonly timeoutMs: number,
  ) {}

  get source(): string {
    return `GOLDEN_PATH_TOKEN_CMD \`${this.command}\``;
  }

  userIdFor(name: string): UserId {
    return newUserId(name);
  }

  tokenFor(userId: UserId, options: UserTokenOptions): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', this.command], {
        env: { ...process.env, GOLDEN_PATH_USER_ID: userId, GOLDEN_PATH_PERMISSIONS: options.permissions.join(','), GOLDEN_PATH_EXPIRES_IN: String(options.expiresInSeconds) },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: this.timeoutMs,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.once('error', (error) => reject(new Error(`GOLDEN_PATH_TOKEN_CMD could not run: ${error.message}`, { cause: error })));
      child.once('close', (code, signal) => {
        const token = Buffer.concat(out).toString('utf8').trim();
        if (code === 0 && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) resolve(token);
        else reject(new Error(`GOLDEN_PATH_TOKEN_CMD \`${this.command}\` ${code === 0 ? `printed no JWT (${JSON.stringify(token.slice(0, 80))})` : `ended with ${code === null ? `signal ${String(signal)}` : `exit code ${code}`}`} for ${userId}: ${Buffer.concat(err).toString('utf8').slice(-300)}`));
      });
    });
  }

  async check(): Promise<void> {
    await this.tokenFor(newUserId('tokencheck'), { permissions: ['read'], expiresInSeconds: 60 });
  }
}

/** One token handed to the suite (GOLDEN_PATH_TOKEN): one user, as the token says, with what it grants. */
export class ReadyTokenIdentity implements IdentityProvider {
  readonly minter = undefined;
  readonly source = 'one ready token (GOLDEN_PATH_TOKEN)';
  readonly can: ReadonlySet<SuiteNeed> = new Set();
  private readonly userId: UserId;
  private claimedBy: string | undefined;

  constructor(private readonly token: string) {
    const sub = claimsOf(token).sub;
    if (typeof sub !== 'string') throw new Error('GOLDEN_PATH_TOKEN is not a JWT with a `sub` claim');
    this.userId = asUserId(sub);
  }

  userIdFor(name: string): UserId {
    this.claimedBy ??= name;
    if (this.claimedBy !== name) throw new Error(`this scenario signs in a second user (${name}) but the suite has one ready token: it should be tagged @needs_users`);
    return this.userId;
  }

  tokenFor(_userId: UserId, options: UserTokenOptions): Promise<string> {
    const standard = options.permissions.includes('read') && options.permissions.includes('write') && options.expiresInSeconds >= 3_600;
    return standard ? Promise.resolve(this.token) : Promise.reject(new Error('this scenario needs a token the ready token is not (other permissions or expiry): it should be tagged @needs_tokens'));
  }

  check(): Promise<void> {
    const exp = Number(claimsOf(this.token).exp);
    return exp * 1000 > Date.now() ? Promise.resolve() : Promise.reject(new Error('GOLDEN_PATH_TOKEN has expired: give the suite a fresh token'));
  }
}
