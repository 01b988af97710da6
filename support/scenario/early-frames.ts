import { Limits } from '../../protocol/constants';
import { presentToken } from '../auth/credentials';
import type { ChatUser } from '../actors/chat-user';
import { spendAnalysisRequest } from '../actors/requests';
import { newClientMessageId } from '../domain/ids';
import type { GoldenPathWorld } from '../world';

/**
 * Acting: a client racing the server's readiness (PROTOCOL §3) — frames sent
 * the instant the socket opens, and tabs opened and closed in quick succession.
 */
export const EARLY_PINGS = ['before-ready-1', 'before-ready-2'] as const;

/**
 * Opens a tab and, the instant it opens, sends a ping, a question and
 * another ping. (Whether they reach the server before it is ready depends on
 * its speed; a fast server is ready before they land, so only what holds
 * either way is judged: none dropped, the order kept, none rate limited.)
 */
export async function sendsTheMomentItOpens(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const request = spendAnalysisRequest(user.random);
  const clientMessageId = newClientMessageId();
  const attempt = await user.attemptTab({ credentials: presentToken(await user.token(), 'header') }, 'her token', {
    sendOnOpen: [
      { type: 'ping', data: { nonce: EARLY_PINGS[0] } },
      { type: 'user_message', data: { content: request.content, client_message_id: clientMessageId } },
      { type: 'ping', data: { nonce: EARLY_PINGS[1] } },
    ],
  });
  if (attempt.tab === undefined) throw new Error(`${user.name} could not open the chat (GP-3.1): ${attempt.refusal?.message ?? attempt.failure ?? ''}`);
  user.adoptSentMessage(attempt.tab, request, clientMessageId).duringFault = world.target.dependencyBroken;
}

/** An app's queue of pings, sent on reconnect: more than the rate limit serves in a second (PROTOCOL §3: early frames do not count). */
export const QUEUED_PINGS: readonly string[] = Array.from({ length: Limits.rateLimitFrames + 10 }, (_, index) => `queued-${index + 1}`);

/**
 * Opens a tab whose upgrade request carries the app's queued pings right
 * behind it, in the same write: they reach the server before it even
 * answered the handshake, so certainly before connection_established.
 */
export async function sendsQueueWithTheHandshake(user: ChatUser): Promise<void> {
  const attempt = await user.attemptTab({ credentials: presentToken(await user.token(), 'header') }, 'her token', {
    sendWithHandshake: QUEUED_PINGS.map((nonce) => ({ type: 'ping', data: { nonce } })),
  });
  if (attempt.tab === undefined) throw new Error(`${user.name} could not open the chat (GP-3.1): ${attempt.refusal?.message ?? attempt.failure ?? ''}`);
}

/** Open-then-close cycles, alternating a clean close and a dropped connection (a killed tab). */
export async function churn(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  for (let cycle = 0; cycle < world.profile.churnCycles; cycle += 1) {
    const tab = await user.openTab();
    await (cycle % 2 === 0 ? tab.close() : tab.drop());
  }
}
