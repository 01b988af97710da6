import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { JwtConfig } from '../config';
import { Faults } from '../faults';

/** Claims of a token that passed signature, algorithm, time, issuer and audience checks. */
export interface VerifiedClaims {
  readonly sub: unknown;
  readonly exp: number;
  readonly permissions: unknown;
}

export type TokenVerification =
  | { readonly ok: true; readonly claims: VerifiedClaims }
  | { readonly ok: false; readonly reason: string };

/**
 * Clock-skew leeway applied to exp/nbf: our choice, within the protocol's bound
 * (Limits.maxClockLeewaySeconds, 5 s). Small, so an expired session ends soon.
 */
export const CLOCK_LEEWAY_SECONDS = 1;

/**
 * Verifies HS256 access tokens. Only HS256 is accepted (`none` and every other
 * algorithm are rejected by jsonwebtoken's `algorithms` allow-list); `exp` is
 * required, `nbf` honoured, `iss` must match and `aud` must equal or contain
 * the configured audience. The secret is a KeyObject: ~40x faster per verify
 * than passing the string.
 */
export class JwtVerifier {
  private readonly key: KeyObject;
  private readonly algorithms: jwt.Algorithm[];

  constructor(
    private readonly config: JwtConfig,
    private readonly faults: Faults = Faults.none(),
  ) {
    this.key = createSecretKey(Buffer.from(config.secret, 'utf8'));
    this.algorithms = faults.has('any_hmac_accepted') ? ['HS256', 'HS384', 'HS512'] : ['HS256'];
  }

  verify(token: string): TokenVerification {
    const { faults } = this;
    // Only with the planted fault alg_none_accepted: an unsigned token is verified without a key.
    const unsigned = faults.has('alg_none_accepted') && isUnsignedToken(token);
    let payload: string | jwt.JwtPayload;
    try {
      payload = jwt.verify(token, unsigned ? '' : this.key, {
        algorithms: unsigned ? ['none'] : this.algorithms,
        issuer: this.config.issuer,
        audience: faults.has('ignore_audience') ? undefined : this.config.audience,
        ignoreExpiration: faults.has('accept_expired'),
        clockTolerance: CLOCK_LEEWAY_SECONDS,
      });
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : 'invalid token' };
    }
    if (typeof payload === 'string') return { ok: false, reason: 'token payload is not a JSON object' };
    if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) {
      return { ok: false, reason: 'token has no exp claim' };
    }
    return { ok: true, claims: { sub: payload.sub, exp: payload.exp, permissions: payload['permissions'] } };
  }
}

function isUnsignedToken(token: string): boolean {
  const decoded = jwt.decode(token, { complete: true });
  return decoded !== null && decoded.header.alg === 'none' && decoded.signature === '';
}
