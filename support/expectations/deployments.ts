import { readHealth } from '../client/health-client';
import type { ChatUser } from '../actors/chat-user';
import { violation } from '../oracle/violation';
import { Deployments, INSTANCES, observeClose, observeExit, tabOn } from '../scenario/deployments';
import { resumeOnTab, observeResumedRun } from '../scenario/resume';
import type { GoldenPathWorld } from '../world';
import { expect } from './golden-path-chai';
import { judgeNotLetIn } from './judges/connections';
import { judgeEndedBeforeGoodbye } from './judges/runs';

/** Then: starting, running side by side and stopping the backend (PROTOCOL §1; the seed plan's third critical issue). */
export function exitsWithAnError(world: GoldenPathWorld): void {
  expect(world.state(Deployments).lastMisconfigured).to.refuseToStart();
}

export function namesTheVariable(world: GoldenPathWorld, variable: string): void {
  expect(world.state(Deployments).lastMisconfigured).to.nameTheVariable(variable);
}

export function neverAnswered(world: GoldenPathWorld): void {
  expect(world.state(Deployments).lastMisconfigured).to.neverServe();
}

export function bothInstancesReady(world: GoldenPathWorld): void {
  expect(world.state(Deployments).instancesStartedTogether).to.allComeUpReady();
}

export async function runStillCompletes(user: ChatUser): Promise<void> {
  const run = await user.watchRun(user.latestMessage);
  const completion = run.events.find((event) => event.type === 'agent_completed');
  // The deploy's rule first: a run cut off by the shutdown is a drain that did not let it finish, whatever else it broke.
  expect({
    headline: `${user.name}'s run was cut short by the deploy`,
    evaluated: ['GP-1.7'],
    violations: completion?.data.status === 'success' ? [] : [violation('GP-1.7', completion === undefined
      ? `the run in progress at SIGTERM never ended (${run.tab.describeState()}): every deploy throws away the answers users are waiting for`
      : `the run in progress at SIGTERM ended with ${JSON.stringify(completion.data.status)} instead of completing: every deploy throws away the answers users are waiting for`)],
  }).to.holdUp();
  expect(run).to.followEveryEventRule();
}

export async function closedAsGoingAway(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const tab = user.latestMessage.tab;
  expect([{ tab, close: await observeClose(world, tab) }]).to.allBeToldGoingAway();
}

export async function exitsCleanly(world: GoldenPathWorld): Promise<void> {
  expect(await observeExit(world)).to.haveExitedCleanly();
}

export async function tabOnInstanceSeesTheWholeRun(user: ChatUser, which: string): Promise<void> {
  expect(await user.watchRun(user.latestMessage, tabOn(user, which))).to.followEveryEventRule();
}

export async function tabOnInstanceCatchesUp(world: GoldenPathWorld, user: ChatUser, which: string): Promise<void> {
  const resume = await resumeOnTab(user, tabOn(user, which));
  await observeResumedRun(world, resume);
  expect(resume).to.replayTheRunInOrder(user);
  expect(user).to.haveSeenEveryEventOf(resume.runId);
}

/** PROTOCOL §2: GET /health answers 200 with the published body. */
export async function reportsItselfHealthy(world: GoldenPathWorld): Promise<void> {
  expect(await readHealth(world.target.endpoint, world.profile.replyWithinMs)).to.beHealthy('while it runs');
}

/** PROTOCOL §1: /health shows the INSTANCE_ID each instance was started with. */
export async function eachInstanceGivesItsName(world: GoldenPathWorld): Promise<void> {
  const violations = [];
  for (const label of INSTANCES) {
    const own = world.target.instance(label);
    const reading = await readHealth(own, world.profile.replyWithinMs);
    const named = (reading.body as { instance_id?: unknown } | undefined)?.instance_id;
    const expected = own.backend.launch.environment.INSTANCE_ID;
    if (named !== expected) violations.push(violation('GP-1.13', `the ${label} instance, started with INSTANCE_ID ${JSON.stringify(expected)}, calls itself ${JSON.stringify(named)} on /health: operators cannot tell which instance of several answered`));
  }
  expect({ headline: 'the instances do not say which is which', evaluated: ['GP-1.13'], violations }).to.holdUp();
}

/** During the drain the new question is told SERVICE_UNAVAILABLE (PROTOCOL §1). */
export async function newQuestionToldUnavailable(user: ChatUser): Promise<void> {
  const message = user.latestMessage;
  const started = performance.now();
  const frame = await user.answerTo(message);
  expect({ tab: message.tab, frame, waitedMs: performance.now() - started, replyWithinMs: user.profile.replyWithinMs }).to.beTheError({
    what: `${user.name}'s question sent while the service shuts down`,
    code: 'SERVICE_UNAVAILABLE',
    rule: 'GP-1.9',
    clientMessageId: message.clientMessageId,
    ifSilent: 'a question sent during a deploy is silently lost',
    ifOtherCode: () => 'the app cannot tell a deploy from a mistake of its own, so it does not retry on another instance',
    ifServed: 'a run is started on an instance that is going away, so the answer may never arrive',
  });
}

export function newTabNotLetIn(user: ChatUser): void {
  expect(judgeNotLetIn(user.latestAttempt)).to.holdUp();
}

/** The run outlasting the drain ended with an explained error before the 1001 (PROTOCOL §1). */
export async function toldTheRunFailedBeforeGoodbye(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const tab = user.latestMessage.tab;
  const run = await user.watchRun(user.latestMessage, tab, world.profile.shutdownGraceMs + world.profile.patienceMs);
  const close = await tab.untilClosed(world.profile.shutdownGraceMs);
  expect(judgeEndedBeforeGoodbye(run, close)).to.holdUp();
  expect(run).to.followEveryEventRule();
}
