import type { UserId } from '../domain/ids';
import type { TokenMinter, UserTokenOptions } from '../auth/token-minter';

/** Where one backend instance answers. */
export interface Endpoint {
  /** `http://host:port` — health and history endpoints. */
  readonly httpUrl: string;
  /** `ws://host:port/ws`, or `wss://…` behind TLS */
  readonly wsUrl: string;
  /** A private CA to trust for it (GOLDEN_PATH_CA_FILE), PEM. */
  readonly ca?: Buffer;
}

/** What a scenario needs to know about the backend it talks to. */
export interface SystemUnderTest extends Endpoint {
  readonly description: string;
  /** True when the suite launched the backend and its dependencies itself. */
  readonly controlled: boolean;
  readonly identities: IdentityProvider;
  /** PROTOCOL §10: where the backend's test-token endpoint is and its key, when the suite knows them. */
  readonly testTokens: { readonly url: string; readonly key: string } | undefined;
}

/** What a scenario may need of the suite's token source (declared by tags: @needs_users, @needs_tokens, @needs_secret). */
export type SuiteNeed = 'several users' | 'tokens of any permissions and lifetime' | 'the signing secret';

/** Signs users in: a token source (README, "Running against staging") and what it can give. */
export interface IdentityProvider {
  /** The minter, when the suite knows the signing secret. */
  readonly minter: TokenMinter | undefined;
  /** Which source this is, for reports: "the signing settings", "the test-token endpoint …". */
  readonly source: string;
  readonly can: ReadonlySet<SuiteNeed>;
  userIdFor(name: string): UserId;
  tokenFor(userId: UserId, options: UserTokenOptions): Promise<string>;
  /** Fails, naming the variable, when the source cannot sign anyone in (a wrong key, a broken command). */
  check(): Promise<void>;
}
