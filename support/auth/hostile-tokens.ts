import { createSecretKey, randomBytes } from 'node:crypto';
import { Limits, RefusalStatus } from '../../protocol/constants';
import type { UserId } from '../domain/ids';
import type { SuiteNeed } from '../target/system-under-test';
import { presentToken, type HandshakeCredentials } from './credentials';
import { namingAlgorithm, undecodable, unsigned, withClaimsAltered } from './hand-made-tokens';
import { TokenMinter, type Claims, type MintOptions, type UserTokenOptions } from './token-minter';

/**
 * Every way a client may present itself when it opens the chat — the right
 * ways and the attacks — by the name the feature files use (PROTOCOL §3),
 * each with the rule it checks. Most are derived from a valid token of the
 * suite's token source, so they work against a deployment whose secret the
 * suite does not hold; the rest need the signing secret and say so.
 */
export interface CredentialContext {
  readonly userId: UserId;
  /** A valid token of the suite's token source for the user. */
  readonly tokenFor: (options: UserTokenOptions) => Promise<string>;
  /** Signs any claims with the backend's secret; undefined when the suite does not hold it. */
  readonly minter: TokenMinter | undefined;
  /** The scenario's short token lifetime (PROTOCOL §3 expiry during a session). */
  readonly shortLifetimeSeconds: number;
}

export interface Presentation {
  readonly credentials: HandshakeCredentials;
  /** `exp` of the token the server should honour, seconds since the epoch, when there is one. */
  readonly expiresAt?: number;
}

/** What PROTOCOL §3 says must become of a handshake with this credential. */
export type Expected =
  | { readonly outcome: 'refused'; readonly status: 401 | 403 }
  | { readonly outcome: 'accepted'; readonly canWrite: boolean };

/** What a credential needs of the suite's token source beyond a valid token of the user (@needs_secret, @needs_tokens). */
export type CredentialNeed = Extract<SuiteNeed, 'the signing secret' | 'tokens of any permissions and lifetime'>;

export interface Credential {
  readonly expected: Expected;
  /** The protocol rule this credential checks. */
  readonly rule: string;
  /** Why a server that gets this wrong is wrong, for the failure message. */
  readonly risk: string;
  readonly needs?: CredentialNeed;
  readonly present: (context: CredentialContext) => Promise<Presentation>;
}

const UNAUTHENTICATED: Expected = { outcome: 'refused', status: RefusalStatus.Unauthorized };
const NO_READ: Expected = { outcome: 'refused', status: RefusalStatus.Forbidden };
const ACCEPTED: Expected = { outcome: 'accepted', canWrite: true };

const now = (): number => Math.floor(Date.now() / 1000);
const HOUR = { permissions: ['read', 'write'], expiresInSeconds: 3_600 } as const;

/** The minter, or a clear refusal when the suite does not hold the signing secret. */
export function requireMinter(context: CredentialContext): TokenMinter {
  if (context.minter === undefined) {
    throw new Error('this credential is signed with the deployment\'s own secret, which the suite does not hold: give it GOLDEN_PATH_JWT_SECRET, _ISSUER and _AUDIENCE');
  }
  return context.minter;
}

const validToken = (context: CredentialContext): Promise<string> => context.tokenFor(HOUR);

/** The claims of a token, as signed (tokens from the suite's own source are trusted to decode). */
export function claimsOf(token: string): Claims {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error(`the token source gave something that is not a JWT: ${token.slice(0, 40)}`);
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
}

/** A header token: the claims of a valid token, changed by `change`, signed with the backend's secret (or as `options` say). */
function signedWithSecret(context: CredentialContext, change: (claims: Claims) => void, options: MintOptions = {}): Promise<Presentation> {
  const minter = requireMinter(context);
  const claims = minter.claimsFor(context.userId, HOUR);
  change(claims);
  return Promise.resolve({ credentials: presentToken(minter.sign(claims, options), 'header'), expiresAt: claims.exp as number });
}

/** A header token: the claims of a valid token of the source, re-signed with a key the backend never issued. */
async function resignedWith(context: CredentialContext, options: MintOptions): Promise<Presentation> {
  const claims = claimsOf(await validToken(context));
  const attacker = new TokenMinter({ secret: options.secret ?? otherSecret, issuer: String(claims.iss), audience: String(claims.aud) });
  return { credentials: presentToken(attacker.sign(claims, options), 'header') };
}

const header = async (token: Promise<string>): Promise<Presentation> => {
  const value = await token;
  return { credentials: presentToken(value, 'header'), expiresAt: claimsOf(value).exp as number };
};

const otherSecret = createSecretKey(randomBytes(32));

const CREDENTIALS: Record<string, Credential> = {
  // --- refused before the upgrade ---------------------------------------------------------------
  'no token at all': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.6',
    risk: 'anyone on the internet can open a chat without signing in',
    present: () => Promise.resolve({ credentials: presentToken(undefined, 'header') }),
  },
  'a token that is not a token at all': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.6',
    risk: 'the server trusts whatever string a client sends as its sign-in',
    present: () => Promise.resolve({ credentials: presentToken('not-a-token', 'header') }),
  },
  'a token whose three parts are garbage': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.6',
    risk: 'a token that does not even decode opens a chat',
    present: async (context) => ({ credentials: presentToken(undecodable(await validToken(context)), 'header') }),
  },
  "a token signed with someone else's secret": {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.6',
    risk: 'signatures are not checked, so anyone can forge a token for any user and read their conversations',
    present: (context) => resignedWith(context, { secret: otherSecret }),
  },
  'a token whose claims were altered after signing': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.6',
    risk: 'a user can edit her token (another user id, more permissions) and the server still trusts it',
    present: async (context) => {
      const token = await validToken(context);
      return { credentials: presentToken(withClaimsAltered(token, { ...claimsOf(token), sub: 'admin' }), 'header') };
    },
  },
  'an unsigned token': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.5',
    risk: 'with "alg: none" anyone can mint a token for any user without knowing the secret — the classic JWT bypass',
    present: async (context) => ({ credentials: presentToken(unsigned(await validToken(context)), 'header') }),
  },
  "a token signed with HS512 and the chat's secret": {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.5',
    risk: 'the server accepts algorithms the protocol forbids (only HS256 is allowed), widening the attack surface of every token',
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, () => undefined, { algorithm: 'HS512' }),
  },
  "a token signed with HS384 and the chat's secret": {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.5',
    risk: 'the server accepts algorithms the protocol forbids (only HS256 is allowed), widening the attack surface of every token',
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, () => undefined, { algorithm: 'HS384' }),
  },
  "a token signed with RS256 and a key of the attacker's": {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.5',
    risk: 'the server accepts a token signed with a key it never issued',
    present: (context) => resignedWith(context, { algorithm: 'RS256' }),
  },
  "a token naming RS256 but signed with the chat's secret": {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.5',
    risk: 'the server lets the token choose its own algorithm — the key-confusion attack behind many JWT breaches',
    needs: 'the signing secret',
    present: (context) => Promise.resolve({ credentials: presentToken(namingAlgorithm(requireMinter(context).forUser(context.userId, HOUR), 'RS256', requireMinter(context).identity.secret), 'header') }),
  },
  'a token that expired ten seconds ago, beyond any clock-skew leeway': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.7',
    risk: `a sign-in the identity provider already ended still opens a chat (the protocol allows at most ${Limits.maxClockLeewaySeconds} s of leeway)`,
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => (changed.exp = now() - 2 * Limits.maxClockLeewaySeconds)),
  },
  'a token that expired an hour ago': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.7',
    risk: "a stolen, long-expired token still opens the victim's chat",
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => (changed.exp = now() - 3_600)),
  },
  'a token without an expiry': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.7',
    risk: 'a token that never expires is a permanent key: once leaked, it can never be revoked by waiting',
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => delete changed.exp),
  },
  'a token not valid until a minute from now': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.8',
    risk: '"not before" is ignored, so tokens issued for later (scheduled access, a future session) work at once',
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => (changed.nbf = now() + 60)),
  },
  'a token from another issuer': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.9',
    risk: 'tokens from any other system sharing the secret (staging, another product) sign users into this chat',
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => (changed.iss = 'https://identity.attacker.example')),
  },
  'a token without an issuer': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.9',
    risk: 'the issuer is not required, so a token of unknown origin signs users in',
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => delete changed.iss),
  },
  'a token for another audience': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.10',
    risk: 'a token meant for another service (billing, admin) opens the chat: one leaked token unlocks every service',
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => (changed.aud = 'some-other-service')),
  },
  'a token without an audience': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.10',
    risk: 'the audience is not required, so tokens meant for any service open the chat',
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => delete changed.aud),
  },
  'a token naming no user': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.11',
    risk: 'a chat opens without a user, so its messages and runs belong to nobody — or to everybody',
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => delete changed.sub),
  },
  'a token naming a user with an empty name': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.11',
    risk: 'an empty user id is accepted, so every such token shares one account',
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => (changed.sub = '')),
  },
  'a token naming a user with forbidden characters': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.11',
    risk: 'user ids with spaces, slashes or quotes reach storage keys, logs and channel names: an injection path',
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => (changed.sub = 'alice/../bob "admin"')),
  },
  'a token naming a user with a name one character too long': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.11',
    risk: `user ids longer than the protocol's ${Limits.maxUserIdLength} characters are accepted, breaking every system that stores them`,
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => (changed.sub = 'u'.repeat(Limits.maxUserIdLength + 1))),
  },
  'a token whose user is a number': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.11',
    risk: 'a user id that is not a string is accepted, so two tokens naming 42 and "42" may share an account',
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => (changed.sub = 42)),
  },
  'a token with no permission to read': {
    expected: NO_READ,
    rule: 'GP-3.13',
    risk: 'a user whose access was withdrawn can still open the chat and read her runs',
    needs: 'tokens of any permissions and lifetime',
    present: (context) => header(context.tokenFor({ permissions: ['write'], expiresInSeconds: 3_600 })),
  },
  'a token without any permissions': {
    expected: NO_READ,
    rule: 'GP-3.13',
    risk: 'a token granting nothing still opens the chat',
    needs: 'tokens of any permissions and lifetime',
    present: (context) => header(context.tokenFor({ permissions: [], expiresInSeconds: 3_600 })),
  },
  'a valid token in the web address only': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.4',
    risk: 'tokens in web addresses end up in proxy logs, browser history and referrers, where anyone can pick them up',
    present: async (context) => ({ credentials: presentToken(await validToken(context), 'query') }),
  },
  'a broken token in the header and a valid one in the subprotocols': {
    expected: UNAUTHENTICATED,
    rule: 'GP-3.3',
    risk: 'the server ignores the header when it is present, so which token counts depends on the server, not on the protocol',
    present: async (context) => ({ credentials: { ...presentToken(await validToken(context), 'subprotocol'), headers: { Authorization: 'Bearer not-a-token' } } }),
  },
  // --- accepted --------------------------------------------------------------------------------
  'her token in the authorization header': {
    expected: ACCEPTED,
    rule: 'GP-3.1',
    risk: 'apps and servers cannot sign in with the standard header',
    present: async (context) => ({ credentials: presentToken(await validToken(context), 'header') }),
  },
  'her token in the subprotocols, as a browser must send it': {
    expected: ACCEPTED,
    rule: 'GP-3.2',
    risk: 'browsers cannot set headers on a WebSocket, so no web user can open the chat',
    present: async (context) => ({ credentials: presentToken(await validToken(context), 'subprotocol') }),
  },
  'a valid token in the header and a broken one in the subprotocols': {
    expected: ACCEPTED,
    rule: 'GP-3.3',
    risk: 'a client offering both forms is refused although its header token is valid: the header must win',
    present: async (context) => ({ credentials: { ...presentToken('not-a-token', 'subprotocol'), headers: { Authorization: `Bearer ${await validToken(context)}` } } }),
  },
  'a token naming the chat among several audiences': {
    expected: ACCEPTED,
    rule: 'GP-3.10',
    risk: 'tokens issued for several services at once (the usual single sign-on token) are refused',
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => (changed.aud = ['billing', changed.aud, 'admin'])),
  },
  'a token that became valid a minute ago': {
    expected: ACCEPTED,
    rule: 'GP-3.8',
    risk: 'tokens carrying a "not before" time are refused even when it has passed',
    needs: 'the signing secret',
    present: (context) => signedWithSecret(context, (changed) => (changed.nbf = now() - 60)),
  },
  'a token that only lets her read': {
    expected: { outcome: 'accepted', canWrite: false },
    rule: 'GP-3.14',
    risk: 'read-only users (auditors, finance viewers) cannot open the chat at all',
    needs: 'tokens of any permissions and lifetime',
    present: (context) => header(context.tokenFor({ permissions: ['read'], expiresInSeconds: 3_600 })),
  },
  'a token that expires in a few seconds': {
    expected: ACCEPTED,
    rule: 'GP-3.21',
    risk: 'a short-lived token is refused before it expires',
    needs: 'tokens of any permissions and lifetime',
    present: (context) => header(context.tokenFor({ permissions: ['read', 'write'], expiresInSeconds: context.shortLifetimeSeconds })),
  },
  'a token that expires in a few seconds, in the subprotocols': {
    expected: ACCEPTED,
    rule: 'GP-3.21',
    risk: 'a short-lived browser token is refused before it expires',
    needs: 'tokens of any permissions and lifetime',
    present: async (context) => {
      const token = await context.tokenFor({ permissions: ['read', 'write'], expiresInSeconds: context.shortLifetimeSeconds });
      return { credentials: presentToken(token, 'subprotocol'), expiresAt: claimsOf(token).exp as number };
    },
  },
};

/** The names the feature files may use, longest first (a regular expression alternative). */
export const CREDENTIAL_NAMES: readonly string[] = Object.keys(CREDENTIALS).sort((a, b) => b.length - a.length);

export function credential(name: string): Credential & { readonly name: string } {
  const found = CREDENTIALS[name];
  if (found === undefined) throw new Error(`no credential called "${name}" (known: ${CREDENTIAL_NAMES.join('; ')})`);
  return { ...found, name };
}
