import { presentToken } from '../auth/credentials';
import type { ChatUser, HandshakeAttempt, Probe } from '../actors/chat-user';

/** Acting: a user's tabs coming and going, and keeping one alive (PROTOCOL §2, §3, §4). */

/** `count` handshakes at the same moment; each attempt is remembered, refused or not. */
export async function opensTabsAtOnce(user: ChatUser, count: number): Promise<HandshakeAttempt[]> {
  const token = await user.token();
  return Promise.all(Array.from({ length: count }, () => user.attemptTab({ credentials: presentToken(token, 'header') }, 'her token in the authorization header')));
}

export async function closesAllTabs(user: ChatUser): Promise<void> {
  await user.closeAll();
}

/** The nonces a ping may carry (PROTOCOL §4: any value; absent is allowed). */
export const NONCES: Record<string, { value: unknown } | undefined> = {
  'a word': { value: 'are-you-there' },
  'a number': { value: 42 },
  'a nested object': { value: { tab: 3, sentAt: '2026-12-02T10:00:00Z', ids: [1, 2] } },
  'no nonce at all': undefined,
};

/** Sends one ping; remembered as a probe whose text is the ping frame. */
export function pingsWith(user: ChatUser, kind: string): Probe {
  if (!(kind in NONCES)) throw new Error(`no nonce kind "${kind}" (known: ${Object.keys(NONCES).join(', ')})`);
  const nonce = NONCES[kind];
  return user.sendRaw(`a ping with ${kind}`, JSON.stringify({ type: 'ping', data: nonce === undefined ? {} : { nonce: nonce.value } }));
}
