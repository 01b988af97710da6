import type { ChatUser, ResumeRequest } from '../actors/chat-user';
import type { ChatConnection } from '../client/chat-connection';
import { eventsOfRun, lastSeqSeen } from '../oracle/run-events';
import type { GoldenPathWorld } from '../world';

/**
 * Acting: runs outliving sockets (PROTOCOL §5) — a connection dropped
 * mid-run, a resume from another tab, a resume of someone else's run.
 */

/** Waits until the agent is visibly working (an event after agent_started), then cuts the connection, as a lost network would. */
export async function dropMidRun(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const message = user.latestMessage;
  const accepted = await user.accepted(message);
  await message.tab.waitFor('waiting for the agent to be working (an event after agent_started)', world.profile.replyWithinMs, (frames) =>
    eventsOfRun(frames, accepted.runId).find((event) => typeof event.seq === 'number' && event.seq >= 2),
  );
  await message.tab.drop();
  if (eventsOfRun(message.tab.received, accepted.runId).some((event) => event.type === 'agent_completed')) {
    throw new Error(`the run finished before ${user.name}'s connection could be cut, so this scenario cannot test resume: run it against a paced agent (AGENT_STEP_DELAY_MS)`);
  }
}

/** Opens a tab and resumes the latest run after `afterSeq` (default: the last seq the tab that asked saw). */
export async function resumeInNewTab(user: ChatUser, fromStart: boolean): Promise<ResumeRequest> {
  const message = user.latestMessage;
  const accepted = await user.accepted(message);
  const afterSeq = fromStart ? 0 : lastSeqSeen(message.tab.received, accepted.runId);
  const tab = await user.openTab();
  return user.resume(tab, accepted.runId, afterSeq);
}

/**
 * A tab that has been following the run live resumes it from the start once
 * the agent is visibly working there (a reload that keeps the socket): every
 * event it already has is replayed to it, and may be compared.
 */
export async function otherTabResumesFromStart(world: GoldenPathWorld, user: ChatUser): Promise<ResumeRequest> {
  const message = user.latestMessage;
  const accepted = await user.accepted(message);
  const other = user.tabs.find((tab) => tab !== message.tab && tab.isOpen);
  if (other === undefined) throw new Error(`${user.name} has no other tab open: a step must open two first`);
  await other.waitFor('waiting for the agent to be working on the other tab (an event after agent_started)', world.profile.replyWithinMs, (frames) =>
    eventsOfRun(frames, accepted.runId).find((event) => typeof event.seq === 'number' && event.seq >= 2),
  );
  const resume = user.resume(other, accepted.runId, 0);
  if (eventsOfRun(other.received, accepted.runId).some((event) => event.type === 'agent_completed')) {
    throw new Error(`the run finished before ${user.name}'s other tab resumed it, so this scenario cannot test a replay of events seen live: run it against a paced agent (AGENT_STEP_DELAY_MS)`);
  }
  return resume;
}

/** The same tab resumes after the last event it saw (catching up after missing live events). */
export async function resumeOnTab(user: ChatUser, tab: ChatConnection): Promise<ResumeRequest> {
  const accepted = await user.accepted(user.latestMessage);
  return user.resume(tab, accepted.runId, lastSeqSeen(tab.received, accepted.runId));
}

/** Waits until the resumed tab has agent_completed of the run after the resume (or the deadline). */
export async function observeResumedRun(world: GoldenPathWorld, resume: ResumeRequest): Promise<void> {
  await resume.tab.until(world.profile.runCompletesWithinMs, (frames) => eventsOfRun(frames.slice(resume.from), resume.runId).find((event) => event.type === 'agent_completed'));
}

export async function triesToResumeSomeoneElsesRun(intruder: ChatUser, owner: ChatUser): Promise<ResumeRequest> {
  const target = await owner.accepted(owner.latestMessage);
  return intruder.resume(intruder.chat, target.runId, 0);
}

/** Resumes the user's latest finished run after its last event: there is nothing to replay. */
export function resumeAfterLastEvent(user: ChatUser): ResumeRequest {
  const run = user.latestRun;
  return user.resume(user.chat, run.accepted.runId, lastSeqSeen(run.tab.received, run.accepted.runId));
}

export function resumeUnknownRun(user: ChatUser, runId: string): ResumeRequest {
  return user.resume(user.chat, runId, 0);
}

/** Waits until the agent is visibly working, then opens another tab — without resuming. */
export async function opensTabMidRun(world: GoldenPathWorld, user: ChatUser): Promise<ChatConnection> {
  const message = user.latestMessage;
  const accepted = await user.accepted(message);
  await message.tab.waitFor('waiting for the agent to be working (an event after agent_started)', world.profile.replyWithinMs, (frames) =>
    eventsOfRun(frames, accepted.runId).find((event) => typeof event.seq === 'number' && event.seq >= 2),
  );
  const tab = await user.openTab();
  if (eventsOfRun(message.tab.received, accepted.runId).some((event) => event.type === 'agent_completed')) {
    throw new Error(`the run finished before ${user.name}'s new tab was open, so this scenario cannot test a tab joining mid-run: run it against a paced agent (AGENT_STEP_DELAY_MS)`);
  }
  return tab;
}
