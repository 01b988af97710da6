import type { GoldenPathWorld } from '../world';
import { eventsOfRun } from '../oracle/run-events';
import { reviewRun } from '../oracle/event-rules';
import { failIfAny } from '../expectations/violation-error';
import { outcomeCounters } from '../report/success-metrics';
import type { FaultProxy } from '../services/fault-proxy';
import { pollUntil } from '../services/deadline';
import { frameData, frameType, type ReceivedFrame } from '../domain/frames';
import { barrier } from './resilience';
import { spendAnalysisRequest } from '../actors/requests';

/**
 * Steps that break a backend's dependencies (through the fault proxies of a
 * backend of the scenario's own) and check that users are never left in
 * silence (PROTOCOL §5 "failure is never silent", §6).
 */

export async function breakableChatService(world: GoldenPathWorld, paced: boolean): Promise<void> {
  await world.useOwnBackend({ AGENT_STEP_DELAY_MS: String(paced ? world.profile.pacedStepDelayMs : 0) });
}

/** Waits until the latest run of `name` is using a tool, then cuts PostgreSQL. */
export async function databaseFailsMidRun(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const message = user.latestMessage;
  const accepted = await user.awaitAccepted(message);
  await message.connection.waitFor('waiting for the agent to start using a tool', world.profile.replyWithinMs, (frames) =>
    eventsOfRun(frames, accepted.runId).find((event) => event.type === 'tool_executing'),
  );
  world.ownBackend.postgres.cut();
  world.failureStartedAt = performance.now();
}

/** The run ends with an explicit error, within the limit after the failure, and still follows every event rule. */
export async function toldRunFailed(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const message = user.latestMessage;
  const accepted = await user.awaitAccepted(message);
  const failedAt = world.failureStartedAt ?? performance.now();
  const completion = await message.connection.waitFor(
    `waiting for the run to end after its database failed — without it the user waits forever`,
    world.profile.failureEndsWithinMs,
    (frames) => frames.find((frame) => frame.frame?.run_id === accepted.runId && frame.frame.type === 'agent_completed'),
  );
  const run = await user.watchRun(message);
  const violations = reviewRun({
    who: name,
    runId: accepted.runId,
    threadId: accepted.threadId,
    userId: user.id,
    events: run.events,
    asksForAnalysis: message.request.asksForAnalysis,
  }).map((violation) => `${violation.rule}: ${violation.message}`);
  const status = (completion.frame?.data as { status?: unknown } | undefined)?.status;
  if (status !== 'error') {
    violations.push(`the run ended with status ${JSON.stringify(status)} although its database was gone: ${name} is shown an answer that could not have been computed or saved`);
  }
  const endedAfterMs = completion.receivedAt - failedAt;
  if (endedAfterMs > world.profile.failureEndsWithinMs) {
    violations.push(`the run ended ${(endedAfterMs / 1000).toFixed(1)} s after the failure (limit ${world.profile.failureEndsWithinMs / 1000} s): ${name} stared at a frozen chat`);
  }
  if (violations.length === 0) outcomeCounters.runsComplete += 1;
  else outcomeCounters.runsBroken += 1;
  failIfAny(`${name}'s failed run was not reported properly`, violations);
  world.log(`the run ended in error ${endedAfterMs.toFixed(0)} ms after its database failed`);
}

type Dependency = 'postgres' | 'redis';

function proxyOf(world: GoldenPathWorld, dependency: Dependency): FaultProxy {
  return dependency === 'postgres' ? world.ownBackend.postgres : world.ownBackend.redis;
}

export function dependencyGoesDown(world: GoldenPathWorld, dependency: Dependency): void {
  proxyOf(world, dependency).cut();
  world.failureStartedAt = performance.now();
}

export function dependencyStopsAnswering(world: GoldenPathWorld, dependency: Dependency): void {
  proxyOf(world, dependency).blackhole();
  world.failureStartedAt = performance.now();
}

export function dependencyTurnsSlow(world: GoldenPathWorld, dependency: Dependency): void {
  proxyOf(world, dependency).slow(world.profile.slowDependencyLatencyMs);
  world.failureStartedAt = performance.now();
}

export function dependencyComesBack(world: GoldenPathWorld, dependency: Dependency): void {
  proxyOf(world, dependency).restore();
}

export interface Readiness {
  readonly httpStatus: number;
  readonly status: unknown;
  readonly dependencies: Record<string, unknown>;
}

export async function readReadiness(world: GoldenPathWorld): Promise<Readiness> {
  const response = await fetch(`${world.endpoint.httpUrl}/health/ready`, { signal: AbortSignal.timeout(world.profile.replyWithinMs) });
  const body = (await response.json().catch(() => ({}))) as { status?: unknown; dependencies?: unknown };
  const dependencies = typeof body.dependencies === 'object' && body.dependencies !== null ? (body.dependencies as Record<string, unknown>) : {};
  return { httpStatus: response.status, status: body.status, dependencies };
}

const EXPECTED_HTTP = { ready: 200, degraded: 200, unavailable: 503 } as const;
export type ReadinessStatus = keyof typeof EXPECTED_HTTP;

/** /health/ready says `status` (with the matching HTTP code and dependency states) within the profile's limit. */
export async function readinessBecomes(world: GoldenPathWorld, status: ReadinessStatus): Promise<void> {
  const expectedDependencies = { ready: { postgres: 'up', redis: 'up' }, degraded: { postgres: 'up', redis: 'down' }, unavailable: { postgres: 'down' } }[status];
  let last: Readiness | undefined;
  const matches = (readiness: Readiness): boolean =>
    readiness.status === status &&
    readiness.httpStatus === EXPECTED_HTTP[status] &&
    Object.entries(expectedDependencies).every(([name, state]) => readiness.dependencies[name] === state);
  const started = performance.now();
  try {
    await pollUntil(`/health/ready to say ${status}`, world.profile.readinessReflectsWithinMs, async () => {
      last = await readReadiness(world);
      return matches(last) ? last : undefined;
    });
  } catch {
    const impact = {
      ready: 'the load balancer keeps the recovered instance out of rotation, so capacity never comes back',
      degraded: 'operators are not told the cache is down, and multi-instance delivery silently stops',
      unavailable: 'the load balancer keeps sending users to an instance that cannot serve chat',
    }[status];
    failIfAny('the readiness endpoint does not tell the truth', [
      `/health/ready answered HTTP ${String(last?.httpStatus)} ${JSON.stringify({ status: last?.status, dependencies: last?.dependencies })} for ${(world.profile.readinessReflectsWithinMs / 1000).toFixed(0)} s instead of ${status} (HTTP ${EXPECTED_HTTP[status]}): ${impact}`,
    ]);
  }
  world.log(`/health/ready said ${status} after ${(performance.now() - started).toFixed(0)} ms`);
}

/** A newly opened tab's connection_established lists exactly the dependencies that are down. */
export async function newChatReportsDegraded(world: GoldenPathWorld, name: string, down: readonly Dependency[]): Promise<void> {
  const tab = await world.user(name).openChat();
  const established = tab.received.find((frame) => frameType(frame) === 'connection_established');
  const degraded = established === undefined ? undefined : frameData(established).degraded;
  const listed = Array.isArray(degraded) ? [...(degraded as unknown[])].map(String).sort() : undefined;
  const expected = [...down].sort();
  failIfAny(`${name}'s new chat misreports the service's health`, JSON.stringify(listed) === JSON.stringify(expected) ? [] : [
    `connection_established says degraded ${JSON.stringify(degraded)} while ${expected.length === 0 ? 'everything is up' : `${expected.join(' and ')} ${expected.length === 1 ? 'is' : 'are'} down`}: the client cannot warn ${name} that answers may fail, or keeps warning her after recovery`,
  ]);
}

/** The latest message got SERVICE_UNAVAILABLE (retryable) in time, and no message_accepted. */
export async function toldToRetry(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const message = user.latestMessage;
  const limit = world.profile.unavailableWithinMs;
  let error: ReceivedFrame;
  try {
    error = await message.connection.waitFor(`waiting for an answer to the message sent while the database is down`, limit, (frames) =>
      frames.find((frame) => (frameType(frame) === 'error' || frameType(frame) === 'message_accepted') && frameData(frame).client_message_id === message.clientMessageId),
    );
  } catch {
    failIfAny(`${name} was left in silence`, [
      `${name} got no answer at all for ${(limit / 1000).toFixed(0)} s to a message sent while the database was down: she cannot tell whether it was received, and the chat looks broken (target: 100% graceful degradation communication)`,
    ]);
    return;
  }
  const data = frameData(error);
  failIfAny(`${name} was not told to retry`, frameType(error) === 'message_accepted'
    ? [`the message was accepted while the database was down: message_accepted promises it is committed, which cannot be true — it may be lost`]
    : [
        ...(data.code === 'SERVICE_UNAVAILABLE' ? [] : [`the error says ${String(data.code)}, not SERVICE_UNAVAILABLE: the client cannot tell an outage from a mistake of its own`]),
        ...(data.retryable === true ? [] : [`the error is not marked retryable: the client gives up instead of sending the message again once the service recovers`]),
      ]);
  await barrier(world, message.connection);
  const accepted = message.connection.received.filter((frame) => frameType(frame) === 'message_accepted' && frameData(frame).client_message_id === message.clientMessageId);
  failIfAny(`${name}'s failed message was accepted anyway`, accepted.length === 0 ? [] : [`after telling ${name} to retry, the server also accepted the message: she retries and the question is sent twice`]);
}

/** Sends the latest message again (same client_message_id): a client's retry after an outage. */
export function retriesLatest(world: GoldenPathWorld, name: string): void {
  const user = world.user(name);
  user.retry(user.latestMessage);
}

/**
 * Every message sent while a dependency was broken got a complete run or an
 * explicit error, never silence — the seed plan's 100% graceful degradation
 * communication. Counted into the success metrics; silence fails the scenario.
 */
export function classifyFaultMessages(world: GoldenPathWorld): void {
  const silent: string[] = [];
  for (const user of world.users) {
    const frames = user.connections.flatMap((connection) => connection.received);
    for (const message of user.messages.filter((candidate) => candidate.duringFault === true)) {
      const answers = frames.filter((frame) => frameData(frame).client_message_id === message.clientMessageId);
      const runIds = new Set(answers.filter((frame) => frameType(frame) === 'message_accepted').map((frame) => String(frameData(frame).run_id)));
      const completions = frames.filter((frame) => frameType(frame) === 'agent_completed' && runIds.has(String(frame.frame?.run_id)));
      if (completions.some((frame) => frameData(frame).status === 'success')) outcomeCounters.faultMessagesCompleted += 1;
      else if (completions.length > 0 || answers.some((frame) => frameType(frame) === 'error')) outcomeCounters.faultMessagesExplicitError += 1;
      else {
        outcomeCounters.faultMessagesSilent += 1;
        silent.push(`${user.name}'s message ${message.clientMessageId.slice(0, 8)}, sent while a dependency was broken, got neither a complete run nor an explicit error: silence — the failure this product must never show`);
      }
    }
  }
  failIfAny('a user was left in silence during a fault', silent);
}

/** The database goes down, the user asks, and is told to retry (a step of its own for scenarios that go on from there). */
export async function askedWhileDatabaseDown(world: GoldenPathWorld, name: string): Promise<void> {
  dependencyGoesDown(world, 'postgres');
  const message = world.user(name).ask(spendAnalysisRequest());
  message.duringFault = true;
  await toldToRetry(world, name);
}

/** Waits, within the fault deadline, until the latest message ended in a complete run or an explicit error; never 1011. */
export async function completeOrExplicitError(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const message = user.latestMessage;
  const outcome = await message.connection.waitFor(
    'waiting for a complete answer or an explicit error while the database is slow',
    world.profile.faultOutcomeWithinMs,
    (frames) => {
      const error = frames.find((frame) => frameType(frame) === 'error' && frameData(frame).client_message_id === message.clientMessageId);
      if (error !== undefined) return error;
      const accepted = frames.find((frame) => frameType(frame) === 'message_accepted' && frameData(frame).client_message_id === message.clientMessageId);
      const runId = accepted === undefined ? undefined : frameData(accepted).run_id;
      return runId === undefined ? undefined : frames.find((frame) => frame.frame?.run_id === runId && frameType(frame) === 'agent_completed');
    },
  );
  if (frameType(outcome) === 'agent_completed') {
    const run = await user.watchRun(message);
    failIfAny(`${name}'s run under a slow database broke the rules`, reviewRun({
      who: name, runId: run.accepted.runId, threadId: run.accepted.threadId, userId: user.id, events: run.events, asksForAnalysis: true,
    }).map((violation) => `${violation.rule}: ${violation.message}`));
  }
  world.log(`under a slow database ${name} got ${frameType(outcome) === 'error' ? `an explicit ${String(frameData(outcome).code)} error` : `a ${String(frameData(outcome).status)} completion`} after ${(outcome.receivedAt - message.frame.sentAt).toFixed(0)} ms`);
}

export async function serviceStartsWithEverythingDown(world: GoldenPathWorld): Promise<void> {
  await world.useOwnBackend({}, { dependenciesDownAtStart: true });
}
