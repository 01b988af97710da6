import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Permission } from '../../protocol/constants';
import type { UserId } from '../domain/ids';

export type { Permission };
export type SigningAlgorithm = 'HS256' | 'HS384' | 'HS512' | 'RS256';

/** Claims a test may put in a token: anything, including nonsense. */
export type Claims = Record<string, unknown>;

export interface MintOptions {
  readonly algorithm?: SigningAlgorithm;
  /** Sign with this secret instead of the backend's (a wrong signature). */
  readonly secret?: KeyObject;
}

export interface SigningIdentity {
  readonly secret: KeyObject;
  readonly issuer: string;
  readonly audience: string;
}

export interface UserTokenOptions {
  readonly permissions: readonly Permission[];
  /** Seconds from now until `exp`; negative for an expired token. */
  readonly expiresInSeconds: number;
}

/**
 * Signs tokens with `jsonwebtoken` and a `crypto.createSecretKey` KeyObject
 * (PROTOCOL §3: HS256 with JWT_SECRET), and — for the attacks — with other
 * algorithms, an attacker's RSA key or another secret. The claims are given
 * as they are, so a test can sign any nonsense (no `exp`, a numeric `sub`).
 * What jsonwebtoken refuses to produce (see hand-made-tokens.ts) is derived
 * by hand from a token signed here.
 */
export class TokenMinter {
  private attackerKey: KeyObject | undefined;

  constructor(readonly identity: SigningIdentity) {}

  static withSecret(secret: string, issuer: string, audience: string): TokenMinter {
    return new TokenMinter({ secret: createSecretKey(Buffer.from(secret, 'utf8')), issuer, audience });
  }

  /** The claims of a well-formed token for `userId`. */
  claimsFor(userId: UserId | string, options: UserTokenOptions): Claims {
    const now = Math.floor(Date.now() / 1000);
    return {
      sub: userId,
      iss: this.identity.issuer,
      aud: this.identity.audience,
      iat: now,
      exp: now + options.expiresInSeconds,
      permissions: [...options.permissions],
    };
  }

  forUser(userId: UserId | string, options: UserTokenOptions): string {
    return this.sign(this.claimsFor(userId, options));
  }

  sign(claims: Claims, options: MintOptions = {}): string {
    const algorithm = options.algorithm ?? 'HS256';
    const key = algorithm === 'RS256' ? this.rsaKey() : (options.secret ?? this.identity.secret);
    // The claims already hold iat (or deliberately not); jsonwebtoken must not add or check any.
    return jwt.sign(claims, key, { algorithm, noTimestamp: true });
  }

  /** An RSA key of an attacker's, made once per process. */
  private rsaKey(): KeyObject {
    this.attackerKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    return this.attackerKey;
  }
}

export const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
