import type { ChatUser, HistoryRead, SentMessage, WatchedRun } from '../actors/chat-user';
import type { ChatConnection } from '../client/chat-connection';
import { followUpRequest, longestQuestion, questionWithNul, spendAnalysisRequest, type ChatRequest } from '../actors/requests';
import type { GoldenPathWorld } from '../world';
import type { Endpoint } from '../target/system-under-test';
import { randomUUID } from 'node:crypto';
import { asThreadId } from '../domain/ids';
import { Limits } from '../../protocol/constants';
import { whyTheChatNeverOpened } from './sign-in';

/**
 * Acting: what users do in a conversation — ask, follow up, re-send — and
 * what they watch. Judging what they saw is for support/expectations/.
 */
export function ask(world: GoldenPathWorld, user: ChatUser, options: { request?: ChatRequest; tab?: ChatConnection } = {}): SentMessage {
  const message = user.ask(options.request ?? spendAnalysisRequest(user.random), { tab: options.tab ?? chatToAskOn(user) });
  // Counted for the seed plan's degradation metric: every message sent during a fault gets a run or an explicit error.
  message.duringFault = world.target.dependencyBroken;
  return message;
}

/** The tab the user asks on: her latest; when she has none, the scenario cannot go on, for the reason her latest attempt shows. */
function chatToAskOn(user: ChatUser): ChatConnection {
  const tab = user.tabs.at(-1);
  if (tab !== undefined) return tab;
  throw new Error(`${user.name} cannot ask anything: ${whyTheChatNeverOpened(user)}`);
}

export function askLongestQuestion(world: GoldenPathWorld, user: ChatUser): SentMessage {
  return ask(world, user, { request: longestQuestion(user.random) });
}

export function askWithNul(world: GoldenPathWorld, user: ChatUser): SentMessage {
  return ask(world, user, { request: questionWithNul(user.random) });
}

/** A follow-up in the thread of the user's latest accepted message. */
export async function askFollowUp(world: GoldenPathWorld, user: ChatUser): Promise<SentMessage> {
  const previous = await user.accepted(user.latestMessage);
  const message = user.ask(followUpRequest(user.random), { threadId: previous.threadId, tab: user.chat });
  message.duringFault = world.target.dependencyBroken;
  return message;
}

/** Arranges a finished conversation: the chat open, one analysis asked and answered. */
export async function haveConversation(world: GoldenPathWorld, user: ChatUser): Promise<WatchedRun> {
  await user.openTab();
  const run = await user.watchRun(ask(world, user));
  if (!run.ended) throw new Error(`${user.name}'s first question was never answered, so there is no conversation to go on with (GP-5.7): ${run.tab.describeState()}`);
  return run;
}

/** The same user_message again, on the same tab, as an app retrying after a lost acknowledgement. */
export function resendLatest(user: ChatUser): SentMessage {
  return user.resend(user.latestMessage);
}

/** Watches the latest message's run on the tab that asked. */
export function watchLatest(user: ChatUser): Promise<WatchedRun> {
  return user.watchRun(user.latestMessage);
}

/** Reads the history of every thread the user's accepted messages went to (from `endpoint`, default the scenario's). */
export async function readConversations(user: ChatUser, endpoint?: Endpoint): Promise<HistoryRead[]> {
  const reads: HistoryRead[] = [];
  for (const threadId of user.threads()) reads.push(await user.readHistory(threadId, endpoint === undefined ? {} : { endpoint }));
  return reads;
}

/** The probe of "she can still get an answer": a new tab (unless told to stay on the current one), a question, the run watched. */
export async function askOnceMore(world: GoldenPathWorld, user: ChatUser, where: 'a new tab' | 'the same tab'): Promise<WatchedRun> {
  if (where === 'a new tab') await user.openTab();
  return user.watchRun(ask(world, user));
}

/** Arranges a conversation of `count` questions, each answered before the next is asked. */
export async function haveLongConversation(world: GoldenPathWorld, user: ChatUser, count: number): Promise<void> {
  await haveConversation(world, user);
  const sentAt: number[] = [];
  for (let question = 1; question < count; question += 1) {
    await withinTheRateLimit(sentAt);
    const run = await user.watchRun(await askFollowUp(world, user));
    if (!run.ended) throw new Error(`${user.name}'s question ${question + 1} of ${count} was never answered (GP-5.7): ${run.tab.describeState()}`);
  }
}

/**
 * A person types fewer than 20 messages a second (PROTOCOL §8): before the
 * next one, waits until fewer than half the limit went out in the last window
 * — pacing to a limit the protocol names, not a sleep standing in for a condition.
 */
async function withinTheRateLimit(sentAt: number[]): Promise<void> {
  const windowStart = performance.now() - Limits.rateWindowMs;
  const recent = sentAt.filter((at) => at > windowStart);
  if (recent.length >= Limits.rateLimitFrames / 2) {
    const wait = (recent[0] as number) + Limits.rateWindowMs - performance.now();
    await new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, wait)));
  }
  sentAt.push(performance.now());
}

/** Thread ids that name nothing of the user's (PROTOCOL §4: NOT_FOUND, UUID-shaped or not). */
export const UNKNOWN_IDS = {
  'nobody ever started': () => randomUUID(),
  'does not exist': () => randomUUID(),
  'is named by something that is no id': () => `made-up-${randomUUID().slice(0, 8)}`,
} as const;

export function askInThreadThat(world: GoldenPathWorld, user: ChatUser, what: keyof typeof UNKNOWN_IDS): SentMessage {
  const message = user.ask(spendAnalysisRequest(user.random), { threadId: asThreadId(UNKNOWN_IDS[what]()) });
  message.duringFault = world.target.dependencyBroken;
  return message;
}

/** The same user_message again from another of the user's tabs (or instances): an app retrying on a new connection. */
export function resendFrom(user: ChatUser, tab: ChatConnection): SentMessage {
  return user.resend(user.latestMessage, tab);
}
