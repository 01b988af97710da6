import { createHash, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { TestTokens } from '../../../protocol/constants';
import { checkHttpBody } from '../../../protocol/schemas';
import type { JwtConfig } from '../config';

/** A valid body of `POST /auth/test-token` (PROTOCOL §10). */
export interface TestTokenRequest {
  readonly sub: string;
  readonly permissions: readonly string[];
  readonly expiresInSeconds: number;
}

export interface IssuedTestToken {
  readonly token: string;
  readonly expiresAt: string;
}

/** Reads a request body (already parsed JSON): the request, or what is wrong with it. */
export type TestTokenRequestReader = (body: unknown) => TestTokenRequest | { readonly problem: string };

/** The published schema decides (protocol/schemas/http.schema.json#testTokenRequest). */
export const readTestTokenRequest: TestTokenRequestReader = (body) => {
  const breaches = checkHttpBody('testTokenRequest', body);
  if (breaches.length > 0) return { problem: breaches.map((breach) => `${breach.path} ${breach.problem}`).join('; ') };
  const { sub, permissions, expires_in: expiresInSeconds } = body as { sub: string; permissions: string[]; expires_in: number };
  return { sub, permissions, expiresInSeconds };
};

/** Mints §3 tokens for testers who hold the deployment's E2E_TOKEN_KEY, never its signing secret. */
export interface TestTokenIssuer {
  /** Whether the presented X-E2E-Token-Key is the configured key, compared in constant time. */
  keyMatches(presented: string | undefined): boolean;
  /** Counts one request of the key; false when it is over TestTokens.maxRequestsPerMinute in the last minute. */
  admit(nowMs: number): boolean;
  issue(request: TestTokenRequest, nowMs: number): IssuedTestToken;
}

const MINUTE_MS = 60_000;

/** HS256 with JWT_SECRET, JWT_ISSUER and JWT_AUDIENCE: exactly the requested sub, permissions and lifetime. */
export class JwtTestTokenIssuer implements TestTokenIssuer {
  private readonly keyDigest: Buffer;
  private readonly signingKey: KeyObject;
  /** Times of the admitted requests of the last minute, oldest first (a sliding window, at most the limit long). */
  private readonly admitted: number[] = [];

  constructor(
    key: string,
    private readonly jwtConfig: JwtConfig,
  ) {
    this.keyDigest = digest(key);
    this.signingKey = createSecretKey(Buffer.from(jwtConfig.secret, 'utf8'));
  }

  keyMatches(presented: string | undefined): boolean {
    // Digests of equal length, so neither the comparison's time nor an early length check tells anything about the key.
    return presented !== undefined && timingSafeEqual(digest(presented), this.keyDigest);
  }

  admit(nowMs: number): boolean {
    while (this.admitted.length > 0 && (this.admitted[0] as number) <= nowMs - MINUTE_MS) this.admitted.shift();
    if (this.admitted.length >= TestTokens.maxRequestsPerMinute) return false;
    this.admitted.push(nowMs);
    return true;
  }

  issue(request: TestTokenRequest, nowMs: number): IssuedTestToken {
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + request.expiresInSeconds;
    const token = jwt.sign({ sub: request.sub, permissions: [...request.permissions], iat, exp }, this.signingKey, {
      algorithm: 'HS256',
      issuer: this.jwtConfig.issuer,
      audience: this.jwtConfig.audience,
    });
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
