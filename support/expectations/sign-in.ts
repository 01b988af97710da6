import { Permission } from '../../protocol/constants';
import { frameData, frameType } from '../domain/frames';
import { eventsOfRun } from '../oracle/run-events';
import { violation } from '../oracle/violation';
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
  expect({ tab: message.tab, frame, waitedMs: performance.now() - started, replyWithinMs: user.profile.replyWithinMs }).to.beTheError({
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

/** The chat opened, and connection_established names the user by exactly her id (PROTOCOL §3: any id of the alphabet works, case-sensitive). */
export function opensUnderExactlyHerId(user: ChatUser): void {
  const attempt = user.latestAttempt;
  const established = attempt.tab?.received.find((frame) => frameType(frame) === 'connection_established');
  const named = established === undefined ? undefined : frameData(established).user_id;
  expect({
    headline: `${user.name} could not open the chat as ${user.id}`,
    evaluated: ['GP-3.11', 'GP-4.8'],
    violations: named === user.id ? [] : [violation('GP-3.11', attempt.refusal !== undefined
      ? `the handshake for user id ${JSON.stringify(user.id)} was refused with HTTP ${attempt.refusal.status}: a valid user id of the protocol's alphabet is turned away, so that customer cannot chat`
      : `connection_established names the user ${JSON.stringify(named)} instead of ${JSON.stringify(user.id)}: the server rewrote the user id (case, length or characters), so she may share a history with someone else`)],
  }).to.holdUp();
}

/** PROTOCOL §3: ids differing only in case are two users — the other one receives nothing of the run. */
export async function caseTwinSeesNothing(viewer: ChatUser, owner: ChatUser): Promise<void> {
  const run = await owner.watchRun(owner.latestMessage);
  for (const tab of viewer.tabs.filter((candidate) => candidate.isOpen)) await viewer.roundTrip(tab);
  const leaked = viewer.tabs.flatMap((tab) => eventsOfRun(tab.received, run.accepted.runId));
  expect({
    headline: `${viewer.name} (${viewer.id}) saw ${owner.name}'s run (${owner.id})`,
    evaluated: ['GP-3.12', 'GP-5.2'],
    violations: leaked.length === 0 ? [] : [violation('GP-3.12', `${viewer.name}, whose user id differs from ${owner.name}'s only in case, received ${leaked.length} event(s) of her run: the server treats user ids case-insensitively, so two customers share one conversation stream`)],
  }).to.holdUp();
}

export async function chatClosedForExpiredSignIn(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const { attempt, close } = await observeExpiry(world, user);
  expect(attempt).to.endTheSessionAtExpiry(user, close);
}

export function browserShowedTheWholeRun(world: GoldenPathWorld, user: ChatUser): void {
  expect(judgeBrowserVisit(world.state(BrowserVisits).of(user))).to.holdUp();
}

/** The latest history read, made with a bad credential, was refused with `status` and shows nothing of her conversation (PROTOCOL §2). */
export function readingRefused(user: ChatUser, status: 401 | 403): void {
  expect(user.latestHistoryRead).to.beRefusedWith(user, status, 'with a bad credential', user.messages.map((message) => message.request.content));
}
