import type { ChatUser } from '../actors/chat-user';
import type { GoldenPathWorld } from '../world';
import { expect } from './golden-path-chai';
import { judgeNothingWrittenIn } from './judges/history';

/** Then: each user sees only their own conversation, at any concurrency (PROTOCOL §2, §4, §5). */
export async function everyoneWatchesTheirOwnRun(world: GoldenPathWorld): Promise<void> {
  expect(await Promise.all(world.crowd.map((user) => user.watchRun(user.latestMessage)))).to.allFollowEveryEventRule();
}

export async function nobodySeesAnotherUsersFrames(world: GoldenPathWorld): Promise<void> {
  for (const user of world.crowd) for (const tab of user.tabs) await user.roundTrip(tab);
  expect(world.crowd).to.keepEveryoneApart();
}

export async function toldTheConversationDoesNotExist(intruder: ChatUser): Promise<void> {
  const message = intruder.latestMessage;
  const started = performance.now();
  const frame = await intruder.answerTo(message);
  expect({ tab: message.tab, frame, waitedMs: performance.now() - started, replyWithinMs: intruder.profile.replyWithinMs }).to.beTheError({
    what: `${intruder.name}'s post into a conversation that is not hers`,
    code: 'NOT_FOUND',
    rule: 'GP-4.13',
    clientMessageId: message.clientMessageId,
    ifSilent: 'the client cannot tell what happened to the message',
    ifOtherCode: (code) => (code === 'FORBIDDEN' ? "it confirms the conversation exists, leaking another user's activity" : 'the client cannot tell the conversation is not hers'),
    ifServed: "anyone who learns a thread id can inject text into another customer's chat",
  });
}

export async function conversationHoldsNothingFrom(owner: ChatUser, intruder: ChatUser): Promise<void> {
  const accepted = await owner.accepted(owner.latestMessage);
  await owner.watchRun(owner.latestMessage);
  expect(await owner.readHistory(accepted.threadId)).to.holdNothingWrittenBy(owner, intruder);
}

/** The reader's latest history read, of someone else's conversation, was a 404 that showed nothing of it. */
export function toldThatConversationDoesNotExist(world: GoldenPathWorld, reader: ChatUser): void {
  const read = reader.latestHistoryRead;
  const ownerWords = read.owner === undefined ? [] : world.user(read.owner).messages.map((message) => message.request.content);
  expect(read).to.beNotFound(reader, ownerWords);
}

export async function receivesNoneOfTheRun(viewer: ChatUser, owner: ChatUser): Promise<void> {
  const run = await owner.watchRun(owner.latestMessage);
  for (const tab of viewer.tabs.filter((candidate) => candidate.isOpen)) await viewer.roundTrip(tab);
  expect(viewer).to.haveReceivedNoneOfTheRun(owner, run.accepted.runId);
}

export async function toldTheRunWasNotFound(world: GoldenPathWorld, intruder: ChatUser): Promise<void> {
  const resume = intruder.latestResume;
  const started = performance.now();
  const frame = await resume.tab.until(world.profile.patienceMs, (frames) => frames.slice(resume.from).find((candidate) => candidate.frame?.type === 'error'));
  expect({ tab: resume.tab, frame, waitedMs: performance.now() - started, replyWithinMs: world.profile.replyWithinMs }).to.beTheError({
    what: `${intruder.name}'s resume of a run that is not hers`,
    code: 'NOT_FOUND',
    rule: 'GP-5.23',
    runId: resume.runId,
    ifSilent: 'the client cannot tell the run is not hers',
    ifOtherCode: (code) => (code === 'FORBIDDEN' ? "the answer confirms the run exists, which leaks another user's activity" : 'the client cannot tell the run is not hers'),
    ifServed: "another user's run was served",
  });
}

/** The conversation id a refused question named holds nothing afterwards (PROTOCOL §4: NOT_FOUND, and nothing is written). */
export async function nothingWrittenInTheNamedConversation(user: ChatUser): Promise<void> {
  const threadId = user.latestMessage.threadId;
  if (threadId === undefined) throw new Error(`${user.name}'s latest question named no conversation`);
  await user.roundTrip();
  expect(judgeNothingWrittenIn(user, await user.readHistory(threadId))).to.holdUp();
}
