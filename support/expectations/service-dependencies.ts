import type { Dependency, ReadinessStatus } from '../../protocol/constants';
import type { ChatUser } from '../actors/chat-user';
import { presentToken } from '../auth/credentials';
import { frameData, frameType } from '../domain/frames';
import { violation } from '../oracle/violation';
import { observeReadiness } from '../scenario/service-health';
import { Outages } from '../scenario/outages';
import type { GoldenPathWorld } from '../world';
import { expect } from './golden-path-chai';
import { judgeRun } from './judges/runs';
import { judgeReadiness } from './judges/service';
import { alsoEstablishes } from './golden-path-chai';

/** Then: how the service copes with its dependencies and says so (PROTOCOL §2, §5, §6; the seed plan's second critical issue). */
export async function reportsItself(world: GoldenPathWorld, status: ReadinessStatus): Promise<void> {
  const outages = world.state(Outages);
  const observation = await observeReadiness(world, status);
  world.log(`/health/ready ${observation.matched === undefined ? `never said ${status}` : `said ${status} after ${(observation.matched.at - (observation.changedAt ?? observation.matched.at)).toFixed(0)} ms from the change`}`);
  const establishes = [...(outages.startedDown ? ['GP-1.5'] : []), ...(status === 'ready' && outages.justRecovered ? ['GP-6.4'] : [])];
  expect(alsoEstablishes(judgeReadiness(observation), establishes, 'after a dependency outage the service must report it and recover by itself, without a restart')).to.holdUp();
}

/** PROTOCOL §6: once the database is back, the same client_message_id is accepted — once. */
export async function retryAcceptedOnce(user: ChatUser): Promise<void> {
  const retry = user.latestMessage;
  const acceptance = await user.awaitAcceptance(retry);
  const acks = retry.tab.received.filter((frame) => frameType(frame) === 'message_accepted' && frameData(frame).client_message_id === retry.clientMessageId);
  const runs = new Set(acks.map((frame) => String(frameData(frame).run_id)));
  expect({
    headline: `${user.name}'s retry after the outage was not accepted exactly once`,
    evaluated: ['GP-6.2'],
    violations: [
      ...(acceptance === undefined ? [violation('GP-6.2', `the retry of ${user.name}'s question with the same client_message_id got no message_accepted once the database was back: her question is lost although the service recovered`)] : []),
      ...(runs.size > 1 ? [violation('GP-6.2', `the same client_message_id was accepted into ${runs.size} runs: the retry was answered twice, and billed twice`)] : []),
    ],
  }).to.holdUp();
}

/** A tab opened now lists exactly the dependencies that are down in connection_established. */
export async function newChatWarnsOf(world: GoldenPathWorld, user: ChatUser, down: readonly Dependency[]): Promise<void> {
  const changedAt = world.state(Outages).lastChangeAt;
  // The warning may take as long as readiness to reflect a change (PROTOCOL §2): open tabs until it shows, or that time passes.
  const deadline = (changedAt ?? performance.now()) + world.profile.readinessReflectsWithinMs;
  for (;;) {
    const attempt = await user.attemptTab({ credentials: presentToken(await user.token(), 'header') }, 'her token');
    const established = attempt.tab?.received.find((frame) => frameType(frame) === 'connection_established');
    const listed = established === undefined ? undefined : JSON.stringify([...((frameData(established).degraded as unknown[] | undefined) ?? [])].map(String).sort());
    if (listed === JSON.stringify([...down].sort()) || performance.now() >= deadline) {
      expect(attempt).to.warnOfDegraded(down);
      return;
    }
    await attempt.tab?.close();
  }
}

/** PROTOCOL §6: within 5 s, SERVICE_UNAVAILABLE with retryable true, naming the message; and no message_accepted for it, then or later. */
export async function toldUnavailableAndCanRetry(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const message = user.latestMessage;
  const started = performance.now();
  const frame = await user.answerTo(message, world.profile.unavailableWithinMs + world.profile.patienceMs);
  expect({ tab: message.tab, frame, waitedMs: performance.now() - started, replyWithinMs: world.profile.unavailableWithinMs }).to.beTheError({
    what: `${user.name}'s question sent while the database is down`,
    code: 'SERVICE_UNAVAILABLE',
    rule: 'GP-6.1',
    clientMessageId: message.clientMessageId,
    retryable: true,
    ifSilent: `she cannot tell whether it was received, and the chat looks broken (target: 100% graceful degradation communication)`,
    ifOtherCode: () => 'the client cannot tell an outage from a mistake of its own',
    ifServed: 'message_accepted promises the message is committed, which cannot be true while the database is down — it may be lost',
  });
  const waitedMs = frame === undefined ? Number.POSITIVE_INFINITY : frame.receivedAt - message.frame.sentAt;
  expect({
    headline: `${user.name} was told too late that the service is unavailable`,
    evaluated: ['GP-6.1'],
    violations: frame !== undefined && waitedMs > world.profile.unavailableWithinMs ? [violation('GP-6.1', `the SERVICE_UNAVAILABLE answer came ${(waitedMs / 1000).toFixed(1)} s after the question (the protocol allows ${(world.profile.unavailableWithinMs / 1000).toFixed(0)} s): for that long the chat looked broken`)] : [],
  }).to.holdUp();
  await user.roundTrip(message.tab);
  const acceptedLater = message.tab.received.some((candidate) => frameType(candidate) === 'message_accepted' && frameData(candidate).client_message_id === message.clientMessageId);
  expect({
    headline: `${user.name}'s failed message was accepted anyway`,
    evaluated: ['GP-6.1'],
    violations: acceptedLater ? [violation('GP-6.1', `after telling ${user.name} to retry, the server also accepted the message: she retries and the question is sent twice`)] : [],
  }).to.holdUp();
}

/** Under a slow database: a complete, rule-abiding run or an explicit error, within the profile's time (TGT-slow-database). */
export async function completeAnswerOrExplicitError(world: GoldenPathWorld, user: ChatUser): Promise<void> {
  const message = user.latestMessage;
  const outcome = await message.tab.until(world.profile.faultOutcomeWithinMs, (frames) => {
    const error = frames.find((frame) => frameType(frame) === 'error' && frameData(frame).client_message_id === message.clientMessageId);
    if (error !== undefined) return error;
    const accepted = frames.find((frame) => frameType(frame) === 'message_accepted' && frameData(frame).client_message_id === message.clientMessageId);
    const runId = accepted === undefined ? undefined : frameData(accepted).run_id;
    return runId === undefined ? undefined : frames.find((frame) => frame.frame?.run_id === runId && frameType(frame) === 'agent_completed');
  });
  if (outcome !== undefined && frameType(outcome) === 'agent_completed') {
    // A slow database is a degraded environment: the run is held to every event rule, and to the profile's target instead of the protocol's timing.
    expect(judgeRun(await user.watchRun(message, message.tab, 0), { timing: false })).to.holdUp();
  }
  world.log(`under a slow database ${user.name} got ${outcome === undefined ? 'nothing' : frameType(outcome) === 'error' ? `an explicit ${String(frameData(outcome).code)} error` : `a ${String(frameData(outcome).status)} completion`} after ${outcome === undefined ? '-' : (outcome.receivedAt - message.frame.sentAt).toFixed(0)} ms`);
  expect({
    headline: `${user.name} was left waiting on a slow database`,
    evaluated: ['TGT-slow-database'],
    violations: outcome === undefined ? [violation('TGT-slow-database', `${user.name} got neither an answer nor an explicit error within ${(world.profile.faultOutcomeWithinMs / 1000).toFixed(0)} s under a slow database: the chat hangs`)] : [],
  }).to.holdUp();
}
