import { createSecretKey, randomBytes } from 'node:crypto';
import type { UserId } from '../domain/ids';
import { presentToken, type HandshakeCredentials } from './credentials';
import type { Claims, TokenMinter } from './token-minter';

/**
 * Every way a client may present itself when it opens the chat — the right
 * ways and the attacks — by the name the feature files use. PROTOCOL §3.
 */
export interface CredentialContext {
  readonly userId: UserId;
  /** Undefined only for a remote target with a ready token (GOLDEN_PATH_TOKEN). */
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

interface Credential {
  readonly expected: Expected;
  /** Why a server that lets this through is wrong, for the failure message. */
  readonly risk: string;
  readonly present: (context: CredentialContext) => Presentation;
}

const UNAUTHENTICATED: Expected = { outcome: 'refused', status: 401 };
const NO_READ: Expected = { outcome: 'refused', status: 403 };
const ACCEPTED: Expected = { outcome: 'accepted', canWrite: true };

const now = (): number => Math.floor(Date.now() / 1000);

/** The minter, or a clear refusal when the suite only has one ready token. */
export function requireMinter(context: CredentialContext): TokenMinter {
  if (context.minter === undefined) {
    throw new Error(
      'this scenario mints its own tokens (expired, unsigned, wrongly signed, other permissions…), which needs the deployment\'s signing settings: ' +
        'set GOLDEN_PATH_JWT_SECRET, GOLDEN_PATH_JWT_ISSUER and GOLDEN_PATH_JWT_AUDIENCE instead of GOLDEN_PATH_TOKEN',
    );
  }
  return context.minter;
}

/** Claims of a valid read-and-write token for the user, an hour long, changed by `change`. */
function claims(context: CredentialContext, change: (claims: Claims) => void = () => undefined): Claims {
  const valid = requireMinter(context).claimsFor(context.userId, { permissions: ['read', 'write'], expiresInSeconds: 3_600 });
  change(valid);
  return valid;
}

/** A header token built from changed claims, signed as the options say. */
function header(context: CredentialContext, change: (claims: Claims) => void, options: Parameters<TokenMinter['mint']>[1] = {}): Presentation {
  const tokenClaims = claims(context, change);
  return { credentials: presentToken(requireMinter(context).mint(tokenClaims, options), 'header'), expiresAt: tokenClaims.exp as number };
}

const validToken = (context: CredentialContext): string => requireMinter(context).mint(claims(context));
const otherSecret = createSecretKey(randomBytes(32));

const CREDENTIALS: Record<string, Credential> = {
  // --- refused before the upgrade ---------------------------------------------------------------
  'no token at all': {
    expected: UNAUTHENTICATED,
    risk: 'anyone on the internet can open a chat without signing in',
    present: () => ({ credentials: presentToken(undefined, 'header') }),
  },
  'a token that is not a token at all': {
    expected: UNAUTHENTICATED,
    risk: 'the server trusts whatever string a client sends as its sign-in',
    present: () => ({ credentials: presentToken('not-a-token', 'header') }),
  },
  'a token whose three parts are garbage': {
    expected: UNAUTHENTICATED,
    risk: 'a token that does not even decode opens a chat',
    present: () => ({ credentials: presentToken('e30.bm90IGNsYWltcw.c2lnbmF0dXJl', 'header') }),
  },
  'a token signed with someone else\'s secret': {
    expected: UNAUTHENTICATED,
    risk: 'signatures are not checked, so anyone can forge a token for any user and read their conversations',
    present: (context) => header(context, () => undefined, { secret: otherSecret }),
  },
  'a token whose claims were altered after signing': {
    expected: UNAUTHENTICATED,
    risk: 'a user can edit her token (another user id, more permissions) and the server still trusts it',
    present: (context) => {
      const [head, , signature] = validToken(context).split('.') as [string, string, string];
      const forged = Buffer.from(JSON.stringify(claims(context, (tampered) => (tampered.sub = 'admin')))).toString('base64url');
      return { credentials: presentToken(`${head}.${forged}.${signature}`, 'header') };
    },
  },
  'an unsigned token': {
    expected: UNAUTHENTICATED,
    risk: 'with "alg: none" anyone can mint a token for any user without knowing the secret — the classic JWT bypass',
    present: (context) => header(context, () => undefined, { algorithm: 'none' }),
  },
  'a token signed with HS512 and the chat\'s secret': {
    expected: UNAUTHENTICATED,
    risk: 'the server accepts algorithms the protocol forbids (only HS256 is allowed), widening the attack surface of every token',
    present: (context) => header(context, () => undefined, { algorithm: 'HS512' }),
  },
  'a token signed with HS384 and the chat\'s secret': {
    expected: UNAUTHENTICATED,
    risk: 'the server accepts algorithms the protocol forbids (only HS256 is allowed), widening the attack surface of every token',
    present: (context) => header(context, () => undefined, { algorithm: 'HS384' }),
  },
  'a token signed with RS256 and a key of the attacker\'s': {
    expected: UNAUTHENTICATED,
    risk: 'the server accepts a token signed with a key it never issued',
    present: (context) => header(context, () => undefined, { algorithm: 'RS256' }),
  },
  'a token naming RS256 but signed with the chat\'s secret': {
    expected: UNAUTHENTICATED,
    risk: 'the server lets the token choose its own algorithm — the key-confusion attack behind many JWT breaches',
    present: (context) => header(context, () => undefined, { algorithm: 'HS256', header: { alg: 'RS256' } }),
  },
  'a token that expired ten seconds ago, beyond any clock-skew leeway': {
    expected: UNAUTHENTICATED,
    risk: 'a sign-in the identity provider already ended still opens a chat (the protocol allows at most 5 s of leeway)',
    present: (context) => header(context, (changed) => (changed.exp = now() - 10)),
  },
  'a token that expired an hour ago': {
    expected: UNAUTHENTICATED,
    risk: 'a stolen, long-expired token still opens the victim\'s chat',
    present: (context) => header(context, (changed) => (changed.exp = now() - 3_600)),
  },
  'a token without an expiry': {
    expected: UNAUTHENTICATED,
    risk: 'a token that never expires is a permanent key: once leaked, it can never be revoked by waiting',
    present: (context) => header(context, (changed) => delete changed.exp),
  },
  'a token not valid until a minute from now': {
    expected: UNAUTHENTICATED,
    risk: '"not before" is ignored, so tokens issued for later (scheduled access, a future session) work at once',
    present: (context) => header(context, (changed) => (changed.nbf = now() + 60)),
  },
  'a token from another issuer': {
    expected: UNAUTHENTICATED,
    risk: 'tokens from any other system sharing the secret (staging, another product) sign users into this chat',
    present: (context) => header(context, (changed) => (changed.iss = 'https://identity.attacker.example')),
  },
  'a token without an issuer': {
    expected: UNAUTHENTICATED,
    risk: 'the issuer is not required, so a token of unknown origin signs users in',
    present: (context) => header(context, (changed) => delete changed.iss),
  },
  'a token for another audience': {
    expected: UNAUTHENTICATED,
    risk: 'a token meant for another service (billing, admin) opens the chat: one leaked token unlocks every service',
    present: (context) => header(context, (changed) => (changed.aud = 'some-other-service')),
  },
  'a token without an audience': {
    expected: UNAUTHENTICATED,
    risk: 'the audience is not required, so tokens meant for any service open the chat',
    present: (context) => header(context, (changed) => delete changed.aud),
  },
  'a token naming no user': {
    expected: UNAUTHENTICATED,
    risk: 'a chat opens without a user, so its messages and runs belong to nobody — or to everybody',
    present: (context) => header(context, (changed) => delete changed.sub),
  },
  'a token naming a user with an empty name': {
    expected: UNAUTHENTICATED,
    risk: 'an empty user id is accepted, so every such token shares one account',
    present: (context) => header(context, (changed) => (changed.sub = '')),
  },
  'a token naming a user with forbidden characters': {
    expected: UNAUTHENTICATED,
    risk: 'user ids with spaces, slashes or quotes reach storage keys, logs and channel names: an injection path',
    present: (context) => header(context, (changed) => (changed.sub = 'alice/../bob "admin"')),
  },
  'a token naming a user with a 129-character name': {
    expected: UNAUTHENTICATED,
    risk: 'user ids longer than the protocol\'s 128 characters are accepted, breaking every system that stores them',
    present: (context) => header(context, (changed) => (changed.sub = 'u'.repeat(129))),
  },
  'a token whose user is a number': {
    expected: UNAUTHENTICATED,
    risk: 'a user id that is not a string is accepted, so two tokens naming 42 and "42" may share an account',
    present: (context) => header(context, (changed) => (changed.sub = 42)),
  },
  'a token with no permission to read': {
    expected: NO_READ,
    risk: 'a user whose access was withdrawn can still open the chat and read her runs',
    present: (context) => header(context, (changed) => (changed.permissions = ['write'])),
  },
  'a token without any permissions': {
    expected: NO_READ,
    risk: 'a token granting nothing still opens the chat',
    present: (context) => header(context, (changed) => delete changed.permissions),
  },
  'a valid token in the web address only': {
    expected: UNAUTHENTICATED,
    risk: 'tokens in web addresses end up in proxy logs, browser history and referrers, where anyone can pick them up',
    present: (context) => ({ credentials: presentToken(validToken(context), 'query') }),
  },
  'a broken token in the header and a valid one in the subprotocols': {
    expected: UNAUTHENTICATED,
    risk: 'the server ignores the header when it is present, so which token counts depends on the server, not on the protocol',
    present: (context) => ({
      credentials: { ...presentToken(validToken(context), 'subprotocol'), headers: { Authorization: 'Bearer not-a-token' } },
    }),
  },
  // --- accepted --------------------------------------------------------------------------------
  'her token in the authorization header': {
    expected: ACCEPTED,
    risk: 'apps and servers cannot sign in with the standard header',
    present: (context) => ({ credentials: presentToken(validToken(context), 'header') }),
  },
  'her token in the subprotocols, as a browser must send it': {
    expected: ACCEPTED,
    risk: 'browsers cannot set headers on a WebSocket, so no web user can open the chat',
    present: (context) => ({ credentials: presentToken(validToken(context), 'subprotocol') }),
  },
  'a valid token in the header and a broken one in the subprotocols': {
    expected: ACCEPTED,
    risk: 'a client offering both forms is refused although its header token is valid: the header must win',
    present: (context) => ({
      credentials: { ...presentToken('not-a-token', 'subprotocol'), headers: { Authorization: `Bearer ${validToken(context)}` } },
    }),
  },
  'a token naming the chat among several audiences': {
    expected: ACCEPTED,
    risk: 'tokens issued for several services at once (the usual single sign-on token) are refused',
    present: (context) => header(context, (changed) => (changed.aud = ['billing', changed.aud, 'admin'])),
  },
  'a token that became valid a minute ago': {
    expected: ACCEPTED,
    risk: 'tokens carrying a "not before" time are refused even when it has passed',
    present: (context) => header(context, (changed) => (changed.nbf = now() - 60)),
  },
  'a token that only lets her read': {
    expected: { outcome: 'accepted', canWrite: false },
    risk: 'read-only users (auditors, finance viewers) cannot open the chat at all',
    present: (context) => header(context, (changed) => (changed.permissions = ['read'])),
  },
  'a token that expires in a few seconds': {
    expected: ACCEPTED,
    risk: 'a short-lived token is refused before it expires',
    present: (context) => header(context, (changed) => (changed.exp = now() + context.shortLifetimeSeconds)),
  },
};

/** The names the feature files may use, longest first (a regular expression alternative). */
export const CREDENTIAL_NAMES: readonly string[] = Object.keys(CREDENTIALS).sort((a, b) => b.length - a.length);

export function credential(name: string): Credential {
  const found = CREDENTIALS[name];
  if (found === undefined) throw new Error(`no credential called "${name}" (known: ${CREDENTIAL_NAMES.join('; ')})`);
  return found;
}
