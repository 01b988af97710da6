import type { ChatUser } from '../actors/chat-user';
import type { GoldenPathWorld } from '../world';
import { answersMessage } from '../domain/frames';
import { violation } from '../oracle/violation';
import { askOnceMore, readConversations, watchLatest } from '../scenario/conversation';
import { Outages } from '../scenario/outages';
import { observeResumedRun } from '../scenario/resume';
import { alsoEstablishes, expect } from './golden-path-chai';
import { judgeJoinedLive, judgePacing, judgeRuns, judgeWentOnWithoutItsSocket } from './judges/runs';

/**
 * Then: what a user saw of her runs (PROTOCOL §5, §7) — each watched to its
 * end or the deadline, then judged by the oracle.
 */
export async function watchesTheRunFollowEveryRule(user: ChatUser): Promise<void> {
  expect(await watchLatest(user)).to.followEveryEventRule();
}

export async function everyTabSeesTheWholeRun(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const cacheDown = world.target.ownBackends.length > 0 && world.state(Outages).isDown('redis');
  if (cacheDown && (await user.awaitAcceptance(user.latestMessage)) === undefined) {
    const message = user.latestMessage;
    const told = message.tab.received.filter((frame) => answersMessage(frame, message.clientMessageId)).map((frame) => frame.text.slice(0, 160));
    expect({
      headline: `with only the cache down, ${user.name}'s question was not taken`,
      evaluated: ['GP-6.3'],
      violations: [violation('GP-6.3', `${told.length > 0 ? `she was told ${told.join(' | ')}` : 'nothing acknowledged it'}: Redis is optional for a single instance, yet a cache blip stops every conversation`)],
    }).to.holdUp();
  }
  const runs = await user.watchOnEveryTab();
  expect(alsoEstablishes(judgeRuns(runs), cacheDown ? ['GP-6.3'] : [], 'with the cache down, chat must still work and reach every tab on the instance')).to.holdUp();
}

export function receivesActionableRecommendations(user: ChatUser): void {
  expect(user.latestRun).to.endWithAnActionableAnswer();
}

export async function findsTheConversationInHistory(user: ChatUser): Promise<void> {
  expect(await readConversations(user)).to.holdExactlyWhatHappened(user);
}

export async function messageIsAcceptedPromptly(user: ChatUser): Promise<void> {
  const message = user.latestMessage;
  await user.awaitAcceptance(message);
  expect(message).to.beAcceptedPromptly(user);
}

/** The message is in the history the moment it is acknowledged (PROTOCOL §4: accepted means committed). */
export async function storedOnceAcknowledged(user: ChatUser): Promise<void> {
  const message = user.latestMessage;
  const accepted = await user.accepted(message);
  expect(await user.readHistory(accepted.threadId)).to.holdTheMessageAsSoonAsAcknowledged(user, message);
}

/** Every send of the latest client_message_id got its acknowledgement, all with the same ids. */
export async function sameAcknowledgementEveryTime(user: ChatUser): Promise<void> {
  const id = user.latestMessage.clientMessageId;
  const sends = user.messages.filter((message) => message.clientMessageId === id);
  for (const send of sends) await user.awaitAcceptance(send);
  expect(sends).to.shareOneAcknowledgement(user);
}

export async function onlyOneRunAnswers(user: ChatUser): Promise<void> {
  for (const tab of user.tabs.filter((candidate) => candidate.isOpen)) await user.roundTrip(tab);
  expect(user).to.haveStartedOneRunOnly();
}

/** PROTOCOL §1: with AGENT_STEP_DELAY_MS every step of the run took at least that long. */
export function everyStepTookThePace(world: GoldenPathWorld, user: ChatUser): void {
  expect(judgePacing(user.latestRun, world.profile.pacedStepDelayMs)).to.holdUp();
}

/** The run ended in an explained error, within the protocol's time of the failure, and still followed every event rule. */
export async function toldTheRunFailed(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const failedAt = world.state(Outages).failedAt;
  if (failedAt === undefined) throw new Error('no dependency was broken in this scenario: a step must break one first');
  const run = await user.watchRun(user.latestMessage, user.latestMessage.tab, Math.max(1, failedAt + world.profile.failureEndsWithinMs + world.profile.replyWithinMs - performance.now()));
  // Its own rules first: a run that never ends breaks GP-5.16 before it breaks the event rules.
  expect(run).to.endInAnExplainedFailure(failedAt, world.profile.failureEndsWithinMs);
  expect(run).to.followEveryEventRule();
}

export async function sawEveryEventAcrossTabs(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const resume = user.latestResume;
  await observeResumedRun(world, resume);
  expect(user).to.haveSeenEveryEventOf(resume.runId);
}

/** The run whose tab dropped reached its answer (PROTOCOL §5: runs belong to the server, not to the socket). */
export async function runWentOnWithoutTheTabThatAsked(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const resume = user.latestResume;
  await observeResumedRun(world, resume);
  expect(judgeWentOnWithoutItsSocket(user, resume.runId)).to.holdUp();
}

export async function resumedStreamContinuesInOrder(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const resume = user.latestResume;
  await observeResumedRun(world, resume);
  expect(resume).to.replayTheRunInOrder(user);
}

/** The probe of "she can still get an answer": a question asked and its run judged like any other, and a successful answer. */
export async function canStillGetAnAnswer(world: GoldenPathWorld, user: ChatUser, where: 'a new tab' | 'the same tab'): Promise<void> {
  if (where === 'the same tab' && !(await user.roundTrip(user.chat))) {
    const close = user.chat.closeEvent;
    expect({
      headline: `${user.name}'s connection did not keep working after the server answered her app`,
      evaluated: ['GP-4.14'],
      violations: [violation('GP-4.14', `${close === undefined ? 'it stopped answering a ping' : `the server closed it (${close.code} ${JSON.stringify(close.reason)})`}: one bad frame from a buggy client cuts the user off, and she loses her chat mid-conversation`)],
    }).to.holdUp();
  }
  const run = await askOnceMore(world, user, where);
  expect(run).to.followEveryEventRule();
  expect(run).to.endWithAnActionableAnswer();
}

/** A resume with nothing to replay got nothing back (a round trip shows everything the server sent has arrived). */
export async function nothingComesBackForTheResume(user: ChatUser): Promise<void> {
  const resume = user.latestResume;
  await user.roundTrip(resume.tab);
  expect(resume).to.beAnsweredWithNothing(user);
}

/** The tab opened mid-run (the latest) received the rest of the run live. */
export async function newTabFollowsTheRestLive(user: ChatUser): Promise<void> {
  expect(judgeJoinedLive(await user.watchRun(user.latestMessage, user.chat))).to.holdUp();
}
