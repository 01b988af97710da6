import { Timing } from '../../protocol/constants';
import type { ChatUser } from '../actors/chat-user';
import { eventsOfRun } from '../oracle/run-events';
import { tabOn } from '../scenario/deployments';
import { InstanceDeath } from '../scenario/instance-death';
import type { GoldenPathWorld } from '../world';
import { expect } from './golden-path-chai';
import { judgeDeadRunEnded } from './judges/dead-runs';
import { judgeResumedStream, judgeRun } from './judges/runs';

/**
 * Then: the run of a dead instance is ended (PROTOCOL §5). The bound is the
 * protocol's 30 s, counted from the death while another instance shares the
 * database (GP-5.25); alone, the protocol says "at the next instance's
 * startup" and gives no other number, so the same 30 s count from the moment
 * the next instance is ready (GP-5.26).
 */
function boundOf(world: GoldenPathWorld): { rule: 'GP-5.25' | 'GP-5.26'; since: number; sinceWhat: string } {
  const state = world.state(InstanceDeath);
  const { diedAt } = state.death;
  return state.nextReadyAt === undefined
    ? { rule: 'GP-5.25', since: diedAt, sinceWhat: 'the death of its instance' }
    : { rule: 'GP-5.26', since: state.nextReadyAt, sinceWhat: 'the next instance was ready' };
}

/** Her tab on the surviving instance, open all along, is told live. */
export async function otherTabToldTheRunEnded(world: GoldenPathWorld, user: ChatUser, which: string): Promise<void> {
  const death = world.state(InstanceDeath).death;
  const bound = boundOf(world);
  const tab = tabOn(user, which);
  const waitMs = Math.max(1, bound.since + Timing.deadInstanceRunEndsWithinMs + world.profile.replyWithinMs - performance.now());
  const run = await user.watchRun(user.latestMessage, tab, waitMs);
  expect(
    judgeDeadRunEnded({
      who: user.name,
      where: `${tab.label}, open all along`,
      runId: death.runId,
      events: eventsOfRun(tab.received, death.runId),
      ...bound,
      boundMs: Timing.deadInstanceRunEndsWithinMs,
      waitedMs: run.waitedMs,
      openToolCalls: death.openToolCalls,
    }),
  ).to.holdUp();
  // The five-event rules hold across the death; its timing does not (the protocol gives a dead instance's runs 30 s).
  expect(judgeRun(run, { timing: false })).to.holdUp();
}

/** Her resume (the latest) replays the ending, and the replay follows the resume rules. */
export async function resumeFindsTheRunEnded(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const death = world.state(InstanceDeath).death;
  const bound = boundOf(world);
  const resume = user.latestResume;
  const started = performance.now();
  const waitMs = Math.max(1, bound.since + Timing.deadInstanceRunEndsWithinMs + world.profile.replyWithinMs - started);
  await resume.tab.until(waitMs, (frames) => eventsOfRun(frames.slice(resume.from), death.runId).find((event) => event.type === 'agent_completed'));
  expect(
    judgeDeadRunEnded({
      who: user.name,
      where: `her resume on ${resume.tab.label} after seq ${resume.afterSeq}`,
      runId: death.runId,
      events: eventsOfRun(resume.tab.received.slice(resume.from), death.runId),
      ...bound,
      boundMs: Timing.deadInstanceRunEndsWithinMs,
      waitedMs: performance.now() - started,
      openToolCalls: death.openToolCalls,
    }),
  ).to.holdUp();
  expect(judgeResumedStream(user, resume)).to.holdUp();
}
