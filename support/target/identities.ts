import { newUserId, asUserId, type UserId } from '../domain/ids';
import { TokenMinter, type UserTokenOptions } from '../auth/token-minter';
import type { IdentityProvider } from './system-under-test';

/** Knows the signing secret: any user, any permissions, any expiry. */
export class SigningIdentities implements IdentityProvider {
  constructor(readonly minter: TokenMinter) {}

  userIdFor(name: string): UserId {
    return newUserId(name);
  }

  tokenFor(userId: UserId, options: UserTokenOptions): Promise<string> {
    return Promise.resolve(this.minter.forUser(userId, options));
  }
}

/** One token handed to the suite (GOLDEN_PATH_TOKEN): one user, as the token says. */
export class ReadyTokenIdentity implements IdentityProvider {
  readonly minter = undefined;
  private readonly userId: UserId;
  private claimedBy: string | undefined;

  constructor(private readonly token: string) {
    const payload = token.split('.')[1];
    const claims: unknown = payload === undefined ? undefined : JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const sub = (claims as { sub?: unknown } | undefined)?.sub;
    if (typeof sub !== 'string') throw new Error('GOLDEN_PATH_TOKEN is not a JWT with a `sub` claim');
    this.userId = asUserId(sub);
  }

  userIdFor(name: string): UserId {
    this.claimedBy ??= name;
    if (this.claimedBy !== name) {
      throw new Error(
        `this scenario signs in a second user (${name}), but the suite only has one ready token (GOLDEN_PATH_TOKEN). ` +
          'Give it the signing settings instead (GOLDEN_PATH_JWT_SECRET, _ISSUER, _AUDIENCE), or exclude multi-user scenarios.',
      );
    }
    return this.userId;
  }

  tokenFor(_userId: UserId, options: UserTokenOptions): Promise<string> {
    const standard = options.permissions.includes('read') && options.permissions.includes('write') && options.expiresInSeconds > 0;
    if (!standard) {
      return Promise.reject(new Error('this scenario needs a token the suite must mint itself (other permissions or expiry); a ready token (GOLDEN_PATH_TOKEN) cannot provide it'));
    }
    return Promise.resolve(this.token);
  }
}
