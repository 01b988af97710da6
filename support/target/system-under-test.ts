import type { UserId } from '../domain/ids';
import type { TokenMinter, UserTokenOptions } from '../auth/token-minter';

/** Where one backend instance answers. */
export interface Endpoint {
  /** `http://host:port` — health and history endpoints. */
  readonly httpUrl: string;
  /** `ws://host:port/ws` */
  readonly wsUrl: string;
}

/** What a scenario needs to know about the backend it talks to. */
export interface SystemUnderTest extends Endpoint {
  readonly description: string;
  /** True when the suite launched the backend and its dependencies itself. */
  readonly controlled: boolean;
  readonly identities: IdentityProvider;
}

/** Signs users in: with the signing secret any user, with a ready token only its own. */
export interface IdentityProvider {
  /** The minter, when the suite knows the signing secret. */
  readonly minter: TokenMinter | undefined;
  userIdFor(name: string): UserId;
  tokenFor(userId: UserId, options: UserTokenOptions): Promise<string>;
}
