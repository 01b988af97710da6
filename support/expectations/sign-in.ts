import { Permission } from '../../protocol/constants';
import type { ChatUser } from '../actors/chat-user';
import { credential } from '../auth/hostile-tokens';
import { judgeBrowserVisit } from './judges/browser';
import { BrowserVisits } from '../scenario/browser';
import { observeExpiry } from '../scenario/sign-in';
import type { GoldenPathWorld } from '../world';
import { expect } from './golden-path-chai';

/** Then: who may open the chat, presented how, for how long, and what a token without `write` may do (PROTOCOL §3). */
export function refusedBeforeTheUpgrade(user: ChatUser, status: number): void {
  const attempt = user.latestAttempt;
  const { rule, risk } = credential(attempt.presentedAs);
  expect(attempt).to.beRefusedBeforeTheUpgrade(status, rule, risk);
}

export function chatOpensAsPresented(world: GoldenPathWorld, user: ChatUser): void {
  const attempt = user.latestAttempt;
  const { rule, risk } = credential(attempt.presentedAs);
  expect(attempt).to.openAsPresented(rule, risk, world.profile);
}

/** PROTOCOL §3: without `write`, a user_message gets FORBIDDEN, naming it, and is not accepted. */
export async function toldSheMayNotWrite(user: ChatUser): Promise<void> {
  const message = user.latestMessage;
  const started = performance.now();
  const frame = await user.answerTo(message);
  expect({ tab: message.tab, frame, waitedMs: performance.now() - started }).to.beTheError({
    what: `${user.name}'s question sent with a read-only token`,
    code: 'FORBIDDEN',
    rule: 'GP-3.14',
    clientMessageId: message.clientMessageId,
    ifSilent: 'the app never learns the question was refused, so she waits for an answer that will never come',
    ifOtherCode: () => 'the app cannot tell her she lacks the permission, so she retries a question that can never succeed',
    ifServed: 'users whose write access was withdrawn — a cancelled plan, a read-only auditor — can still run the agent and add to conversations, at the company\'s expense',
  });
}

/** The refused question left no trace: the thread holds what it held before. */
export async function conversationHoldsOnlyWhatWasThere(user: ChatUser): Promise<void> {
  const refused = user.latestMessage;
  const threadId = refused.threadId;
  if (threadId === undefined) throw new Error(`${user.name}'s refused question named no conversation`);
  const before = user.messages.filter((message) => message.accepted?.threadId === threadId).length + user.watchedRuns.filter((run) => run.accepted.threadId === threadId && run.events.some((event) => event.type === 'agent_completed' && event.data.status === 'success')).length;
  // Read with a token that may read: the refusal was about writing.
  const read = await user.readHistory(threadId, { token: await user.token({ permissions: [Permission.Read] }) });
  expect(read).to.holdOnlyWhatWasThereBefore(user, refused, before);
}

export async function chatClosedForExpiredSignIn(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const { attempt, close } = await observeExpiry(world, user);
  expect(attempt).to.endTheSessionAtExpiry(user, close);
}

export function browserShowedTheWholeRun(world: GoldenPathWorld, user: ChatUser): void {
  expect(judgeBrowserVisit(world.state(BrowserVisits).of(user))).to.holdUp();
}

