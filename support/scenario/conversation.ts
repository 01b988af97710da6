import type { ChatUser, HistoryRead, SentMessage, WatchedRun } from '../actors/chat-user';
import type { ChatConnection } from '../client/chat-connection';
import { followUpRequest, longestQuestion, spendAnalysisRequest, type ChatRequest } from '../actors/requests';
import type { GoldenPathWorld } from '../world';
import type { Endpoint } from '../target/system-under-test';

/**
 * Acting: what users do in a conversation — ask, follow up, re-send — and
 * what they watch. Judging what they saw is for support/expectations/.
 */
export function ask(world: GoldenPathWorld, user: ChatUser, options: { request?: ChatRequest; tab?: ChatConnection } = {}): SentMessage {
  const message = user.ask(options.request ?? spendAnalysisRequest(user.random), options.tab === undefined ? {} : { tab: options.tab });
  // Counted for the seed plan's degradation metric: every message sent during a fault gets a run or an explicit error.
  message.duringFault = world.target.dependencyBroken;
  return message;
}

export function askLongestQuestion(world: GoldenPathWorld, user: ChatUser): SentMessage {
  return ask(world, user, { request: longestQuestion(user.random) });
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
