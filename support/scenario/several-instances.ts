import type { GoldenPathWorld } from '../world';
import { spendAnalysisRequest } from '../actors/requests';
import { eventsOfRun } from '../oracle/run-events';
import { reviewCoverage, reviewResumedStream } from '../oracle/resume-rules';
import { expectRunFollowsEveryRule } from '../expectations/run-expectations';
import { failIfAny } from '../expectations/violation-error';

/**
 * Several instances of the backend command behind one PostgreSQL and one
 * Redis: a user's tabs on different instances all follow her runs, and when
 * the cache between them fails, resume fills the gap.
 */
const INSTANCES = ['first', 'second'] as const;
type Instance = (typeof INSTANCES)[number];

export async function twoInstances(world: GoldenPathWorld): Promise<void> {
  world.instances = await Promise.all([world.launchOwnInstance('first'), world.launchOwnInstance('second')]);
}

function instance(world: GoldenPathWorld, which: Instance): { label: Instance; httpUrl: string; wsUrl: string } {
  const own = world.instances[INSTANCES.indexOf(which)];
  if (own === undefined) throw new Error('the scenario has not started two instances');
  return { label: which, httpUrl: own.httpUrl, wsUrl: own.wsUrl };
}

export async function oneTabOnEachInstance(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  for (const which of INSTANCES) {
    const endpoint = instance(world, which);
    await user.openChat('header', { endpoint, instanceLabel: which });
  }
}

function tabOn(world: GoldenPathWorld, name: string, which: Instance): ReturnType<GoldenPathWorld['user']>['connections'][number] {
  const tab = world.user(name).connections.find((connection) => connection.label.endsWith(`@${which}`));
  if (tab === undefined) throw new Error(`${name} has no tab on the ${which} instance`);
  return tab;
}

export function asksFromInstance(world: GoldenPathWorld, name: string, which: Instance): void {
  world.user(name).ask(spendAnalysisRequest(), { connection: tabOn(world, name, which) });
}

export function cacheDownForAll(world: GoldenPathWorld): void {
  for (const own of world.instances) own.redis.cut();
}

export async function tabSeesWholeRun(world: GoldenPathWorld, name: string, which: Instance): Promise<void> {
  const user = world.user(name);
  const run = await user.watchRun(user.latestMessage, tabOn(world, name, which));
  expectRunFollowsEveryRule(user, run, world.profile);
}

/** The other tab resumes after the last event it saw and ends up with the whole run. */
export async function catchesUpByResuming(world: GoldenPathWorld, name: string, which: Instance): Promise<void> {
  const user = world.user(name);
  const tab = tabOn(world, name, which);
  const accepted = await user.awaitAccepted(user.latestMessage);
  const afterSeq = Math.max(0, ...eventsOfRun(tab.received, accepted.runId).map((event) => (typeof event.seq === 'number' ? event.seq : 0)));
  const from = tab.received.length;
  tab.send('resume', { run_id: accepted.runId, after_seq: afterSeq });
  await tab.waitFor(`waiting for the replay of run ${accepted.runId.slice(0, 8)} on the ${which} instance`, world.profile.replyWithinMs, (frames) =>
    eventsOfRun(frames.slice(from), accepted.runId).find((event) => event.type === 'agent_completed'),
  );
  failIfAny(`${name}'s tab on the ${which} instance could not catch up`, [
    ...reviewResumedStream(name, accepted.runId, afterSeq, tab.received.slice(from)),
    ...reviewCoverage(name, accepted.runId, [tab.received]),
  ]);
}
