import type { ChatUser } from '../actors/chat-user';
import { eventsOfRun, lastSeqSeen } from '../oracle/run-events';
import { observeResumedRun } from '../scenario/resume';
import { StalledTabs } from '../scenario/slow-tab';
import type { GoldenPathWorld } from '../world';
import { expect } from './golden-path-chai';
import { judgeRun } from './judges/runs';

/**
 * Then: a tab that stopped reading slows no one (PROTOCOL §5: every tab of
 * the user gets the run, each within the run's timing).
 */

/**
 * The tab the user is reading follows her latest run within the protocol's
 * timing while the other tab stays stalled — for as long as the protocol
 * gives the run to complete, plus the suite's patience. Only then does the
 * stalled tab read again; a run still unfinished by then is watched to its
 * end, so that its timing shows what the stall cost.
 */
export async function readingTabFollowsOnTime(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const stalled = world.state(StalledTabs).stalled;
  const message = user.latestMessage;
  let run = await user.watchRun(message, message.tab);
  stalled.resumeReading();
  if (!run.ended) run = await user.watchRun(message, message.tab, world.profile.patienceMs);
  expect(run).to.followEveryEventRule();
}

/**
 * Once the stalled tab reads again it has the whole run — or, when the server
 * closed it for not keeping up (properly: with a close frame, never 1011), a
 * new tab resumes the run where it left off and gets the rest.
 */
export async function stalledTabCatchesUp(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const stalled = world.state(StalledTabs).stalled;
  stalled.resumeReading();
  const message = user.latestMessage;
  const accepted = await user.accepted(message);
  await stalled.until(world.profile.patienceMs, (frames) => eventsOfRun(frames, accepted.runId).find((event) => event.type === 'agent_completed'));
  if (stalled.closeEvent === undefined) {
    // Its arrival times are the stall's, not the server's: the run is judged for every event rule but not for timing.
    expect(judgeRun(await user.watchRun(message, stalled, world.profile.patienceMs), { timing: false })).to.holdUp();
    return;
  }
  expect([stalled]).to.stayUnbroken();
  const resume = user.resume(await user.openTab(), accepted.runId, lastSeqSeen(stalled.received, accepted.runId));
  await observeResumedRun(world, resume);
  expect(resume).to.replayTheRunInOrder(user);
  expect(user).to.haveSeenEveryEventOf(accepted.runId);
}
