import { createHmac, createSecretKey, generateKeyPairSync, sign as rsaSign, type KeyObject } from 'node:crypto';
import type { UserId } from '../domain/ids';

export type Permission = 'read' | 'write';
export type SigningAlgorithm = 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'none';

/** Claims a test may put in a token: anything, including nonsense. */
export type Claims = Record<string, unknown>;

export interface MintOptions {
  /** Algorithm used to sign, and named in the header unless `header.alg` overrides it. */
  readonly algorithm?: SigningAlgorithm;
  /** Extra or replacement header fields. */
  readonly header?: Record<string, unknown>;
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
 * Mints JWTs by hand rather than through a library, so a test can produce any
 * token a client might present: valid ones, and every kind of broken one.
 */
export class TokenMinter {
  private rsaKey: KeyObject | undefined;

  constructor(readonly identity: SigningIdentity) {}

  static withSecret(secret: string, issuer: string, audience: string): TokenMinter {
    return new TokenMinter({ secret: createSecretKey(Buffer.from(secret, 'utf8')), issuer, audience });
  }

  /** The claims of a well-formed token for `userId`. */
  claimsFor(userId: UserId, options: UserTokenOptions): Claims {
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

  forUser(userId: UserId, options: UserTokenOptions): string {
    return this.mint(this.claimsFor(userId, options));
  }

  mint(claims: Claims, options: MintOptions = {}): string {
    const algorithm = options.algorithm ?? 'HS256';
    const header = { alg: algorithm, typ: 'JWT', ...options.header };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    return `${signingInput}.${this.signature(signingInput, algorithm, options.secret ?? this.identity.secret)}`;
  }

  private signature(input: string, algorithm: SigningAlgorithm, secret: KeyObject): string {
    switch (algorithm) {
      case 'none':
        return '';
      case 'RS256':
        this.rsaKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
        return rsaSign('sha256', Buffer.from(input), this.rsaKey).toString('base64url');
      default:
        return createHmac(`sha${algorithm.slice(2)}`, secret).update(input).digest('base64url');
    }
  }
}

export const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
