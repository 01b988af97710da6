import { randomBytes } from 'node:crypto';
import { Limits, Permission, Timing } from '../../protocol/constants';
import type { ChatUser, HandshakeAttempt } from '../actors/chat-user';
import { CREDENTIAL_NAMES, credential, type CredentialContext } from '../auth/hostile-tokens';
import type { CloseRecord } from '../client/chat-connection';
import { asUserId, type UserId } from '../domain/ids';
import type { GoldenPathWorld } from '../world';

/**
 * Acting: how users sign in and present themselves (PROTOCOL §3): with a
 * credential of the catalogue (support/auth/hostile-tokens.ts), with a user
 * id of a given shape, and what happens when their token runs out.
 */
export function credentialContext(world: GoldenPathWorld, user: ChatUser): CredentialContext {
  const identities = world.target.sut.identities;
  return {
    userId: user.id,
    tokenFor: (options) => identities.tokenFor(user.id, options),
    minter: identities.minter,
    shortLifetimeSeconds: world.profile.tokenExpiry.lifetimeSeconds,
  };
}

/** Opens a tab presenting the named credential; the attempt is remembered, whatever the server does. */
export async function opensChatWith(world: GoldenPathWorld, user: ChatUser, credentialName: string): Promise<HandshakeAttempt> {
  const presentation = await credential(credentialName).present(credentialContext(world, user));
  return user.attemptTab(presentation, credentialName);
}

/**
 * Why the user has no tab, from her latest attempt, naming the rule its
 * credential proves (an arrangement that failed names its rules, for the
 * rule ledger).
 */
export function whyTheChatNeverOpened(user: ChatUser): string {
  const attempt = user.attempts.at(-1);
  if (attempt === undefined) return 'she never opened the chat: a step must open it first';
  const known = CREDENTIAL_NAMES.includes(attempt.presentedAs) ? credential(attempt.presentedAs) : undefined;
  const rule = known?.rule ?? 'GP-3.1';
  const risk = known?.risk ?? 'a user with a valid token cannot chat';
  const what = attempt.refusal !== undefined
    ? `the handshake was refused with HTTP ${attempt.refusal.status} (${attempt.refusal.body.slice(0, 160) || 'no body'})`
    : `the server did not open the connection (${attempt.failure ?? 'no answer'})`;
  return `her chat, opened with ${attempt.presentedAs}, never opened: ${what} — ${rule} broken: ${risk}`;
}

/** User ids of a given shape (PROTOCOL §3: 1–128 characters of [A-Za-z0-9._:@-], case-sensitive). */
const USER_ID_SHAPES: Record<string, () => string> = {
  'of capitals, digits and every punctuation mark the protocol allows': () => `Alice.Smith_Q9:@-${randomBytes(4).toString('hex').toUpperCase()}`,
  'as long as the protocol allows': () => {
    const unique = `Zz.${randomBytes(6).toString('hex').toUpperCase()}-`;
    return `${unique}${'AbC9'.repeat(Limits.maxUserIdLength)}`.slice(0, Limits.maxUserIdLength);
  },
};

export const USER_ID_SHAPE_NAMES: readonly string[] = Object.keys(USER_ID_SHAPES);

export function signInWithUserId(world: GoldenPathWorld, name: string, shape: string): ChatUser {
  const make = USER_ID_SHAPES[shape];
  if (make === undefined) throw new Error(`no user id shape "${shape}" (known: ${USER_ID_SHAPE_NAMES.join('; ')})`);
  return world.signIn(name, [Permission.Read, Permission.Write], asUserId(make()));
}

/** Signs in another person whose user id is `other`'s in lower case: a different user, for a case-sensitive backend. */
export function signInWithLowerCaseIdOf(world: GoldenPathWorld, name: string, other: ChatUser): ChatUser {
  const id: UserId = asUserId(other.id.toLowerCase());
  if (id === other.id) throw new Error(`${other.name}'s id ${other.id} has no capital letter, so its lower case is the same user`);
  return world.signIn(name, [Permission.Read, Permission.Write], id);
}

/**
 * Waits, up to the protocol's deadline (exp + the largest leeway + the close
 * time, plus a reply's allowance), for the server to end the session whose
 * token expires. The close, or undefined if the tab is still open then.
 */
export async function observeExpiry(world: GoldenPathWorld, user: ChatUser): Promise<{ attempt: HandshakeAttempt; close: CloseRecord | undefined }> {
  const attempt = user.latestAttempt;
  if (attempt.tab === undefined || attempt.expiresAt === undefined) throw new Error(`${user.name} has no open chat with an expiring token: a step must open one first`);
  const deadline = attempt.expiresAt * 1000 + Limits.maxClockLeewaySeconds * 1000 + Timing.expiryCloseWithinMs + world.profile.replyWithinMs;
  return { attempt, close: await attempt.tab.untilClosed(Math.max(1, deadline - Date.now())) };
}

/** Reads the user's own latest conversation presenting the named credential's token in the Authorization header. */
export async function readsOwnConversationWith(world: GoldenPathWorld, user: ChatUser, credentialName: string): Promise<void> {
  const threadId = user.threads().at(-1);
  if (threadId === undefined) throw new Error(`${user.name} has no conversation to read`);
  const presentation = await credential(credentialName).present(credentialContext(world, user));
  const header = presentation.credentials.headers.Authorization;
  await user.readHistory(threadId, { token: header === undefined ? undefined : header.replace(/^Bearer /, '') });
}
