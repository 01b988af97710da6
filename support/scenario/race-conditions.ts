import type { GoldenPathWorld } from '../world';
import { ChatConnection, HandshakeRefusedError } from '../client/chat-connection';
import { presentToken } from '../auth/credentials';
import { frameData, frameType } from '../domain/frames';
import { pollUntil } from '../services/deadline';
import { failIfAny } from '../expectations/violation-error';
import { formatLatency, summarizeLatencies } from '../report/latency-summary';
import type { ChatUser } from '../actors/chat-user';
import { spendAnalysisRequest } from '../actors/requests';

/**
 * The seed plan's first critical issue: handshakes racing each other and the
 * server's readiness (WebSocket 1011s in Cloud Run). Steps for storms, churn,
 * early frames, restarts and per-user connection limits.
 */

/** How one crowd member's connection attempt ended. */
export interface CrowdAttempt {
  readonly user: ChatUser;
  readonly connection: ChatConnection | undefined;
  /** From starting the connect to connection_established. */
  readonly readyMs: number | undefined;
  readonly failure: string | undefined;
}

export function crowdSignsIn(world: GoldenPathWorld): void {
  world.crowd = Array.from({ length: world.profile.storm.users }, (_, index) => world.signInExtra(`Guest${index + 1}`));
}

/** Every crowd member connects, their starts spread evenly over `withinMs`, and waits for readiness. */
export async function crowdConnectsWithin(world: GoldenPathWorld): Promise<void> {
  const { users, withinMs } = { users: world.crowd.length, withinMs: world.profile.storm.withinMs };
  const spacing = users > 1 ? withinMs / users : 0;
  world.crowdAttempts = await Promise.all(
    world.crowd.map(async (user, index) => {
      await new Promise<void>((resolve) => setTimeout(resolve, index * spacing)); // a start schedule, not a wait for a condition
      const started = performance.now();
      try {
        const connection = await user.openChat();
        const ready = connection.received.find((frame) => frameType(frame) === 'connection_established');
        return { user, connection, readyMs: (ready?.receivedAt ?? performance.now()) - started, failure: undefined };
      } catch (error) {
        return { user, connection: user.connections.at(-1), readyMs: undefined, failure: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}

export function everyoneIsReady(world: GoldenPathWorld): void {
  const failed = world.crowdAttempts.filter((attempt) => attempt.failure !== undefined);
  const rate = ((world.crowdAttempts.length - failed.length) / Math.max(1, world.crowdAttempts.length)) * 100;
  failIfAny(`not every user got a working chat in the storm`, failed.length === 0 ? [] : [
    `${failed.length} of ${world.crowdAttempts.length} users never got connection_established (${rate.toFixed(1)}% established; target 99%+, and 100% on an idle machine): each of them saw "connection failed" and left. First failures: ${failed.slice(0, 3).map((attempt) => `${attempt.user.name}: ${attempt.failure ?? ''}`).join(' | ')}`,
  ]);
}

export function noConnectionBroken(world: GoldenPathWorld): void {
  const broken = world.crowdAttempts.flatMap((attempt) => {
    const close = attempt.connection?.closeEvent;
    return close !== undefined && (close.code === 1011 || close.code === 1006) ? [`${attempt.user.name}: ${close.code}`] : [];
  });
  failIfAny('connections broke during the storm', broken.length === 0 ? [] : [
    `${broken.length} connection(s) were closed with 1011 or dropped (${broken.slice(0, 5).join(', ')}): under load, users are thrown out mid-chat — the seed plan's target is 0%`,
  ]);
}

export function readinessWithinLimits(world: GoldenPathWorld): void {
  const summary = summarizeLatencies(world.crowdAttempts.flatMap((attempt) => (attempt.readyMs === undefined ? [] : [attempt.readyMs])));
  const { readyP50Ms, readyP99Ms } = world.profile.storm;
  world.log(`time to connection_established in the storm of ${world.crowdAttempts.length}: ${formatLatency(summary)} (limits p50 ${readyP50Ms} ms, p99 ${readyP99Ms} ms)`);
  failIfAny('the chat took too long to become ready under load', [
    ...(summary.p50Ms > readyP50Ms ? [`half of the users waited more than ${summary.p50Ms.toFixed(0)} ms for a ready chat (limit ${readyP50Ms} ms): the product feels sluggish at every busy moment`] : []),
    ...(summary.p99Ms > readyP99Ms ? [`1 user in 100 waited ${summary.p99Ms.toFixed(0)} ms or more for a ready chat (limit ${readyP99Ms} ms): at peak times those users give up before they can type`] : []),
  ]);
}

/** Opens a tab and, the instant it opens, sends a ping, a question and another ping. */
export async function sendsTheMomentItOpens(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  const request = spendAnalysisRequest();
  const connection = await user.connect('header', {
    sendOnOpen: [
      { type: 'ping', data: { nonce: 'before-ready-1' } },
      { type: 'user_message', data: { content: request.content, client_message_id: world.earlyClientMessageId } },
      { type: 'ping', data: { nonce: 'before-ready-2' } },
    ],
  });
  user.adoptSentMessage(connection, request, world.earlyClientMessageId);
}

export async function readyBeforeAnswered(world: GoldenPathWorld, name: string): Promise<void> {
  const connection = world.user(name).chat;
  await connection.waitFor('waiting for the answers to the frames sent before readiness', world.profile.replyWithinMs, (frames) =>
    frames.find((frame) => frameType(frame) === 'pong' && frameData(frame).nonce === 'before-ready-2'),
  );
  const first = connection.received[0];
  failIfAny(`${name}'s chat answered before it said it was ready`, first !== undefined && frameType(first) === 'connection_established' ? [] : [
    `the first frame ${name} received was ${first === undefined ? 'nothing' : frameType(first) ?? first.text.slice(0, 80)}, not connection_established: a client that waits for readiness before reading (as the protocol promises it may) misses what came first`,
  ]);
}

export function answeredInOrder(world: GoldenPathWorld, name: string): void {
  const connection = world.user(name).chat;
  const position = (predicate: (index: number) => boolean): number => connection.received.findIndex((_, index) => predicate(index));
  const at = (index: number): ReturnType<typeof frameData> => frameData(connection.received[index] as (typeof connection.received)[number]);
  const typeAt = (index: number): string | undefined => frameType(connection.received[index] as (typeof connection.received)[number]);
  const firstPong = position((index) => typeAt(index) === 'pong' && at(index).nonce === 'before-ready-1');
  const accepted = position((index) => typeAt(index) === 'message_accepted' && at(index).client_message_id === world.earlyClientMessageId);
  const secondPong = position((index) => typeAt(index) === 'pong' && at(index).nonce === 'before-ready-2');
  const violations: string[] = [];
  if (firstPong === -1 || accepted === -1 || secondPong === -1) {
    violations.push(`of the three frames ${name} sent before the chat was ready, ${[firstPong, accepted, secondPong].filter((index) => index === -1).length} went unanswered: frames sent in the first milliseconds are lost, so a fast client's first question silently disappears`);
  } else if (!(firstPong < accepted && accepted < secondPong)) {
    violations.push(`the frames ${name} sent before readiness were answered out of order (ping ${firstPong}, question ${accepted}, ping ${secondPong}): the server reordered her input, so replies no longer match what she asked`);
  }
  failIfAny(`${name}'s early frames were mishandled`, violations);
}

/** The number of open WebSockets the backend reports on /health. */
export async function healthConnections(world: GoldenPathWorld): Promise<number> {
  const response = await fetch(`${world.endpoint.httpUrl}/health`, { signal: AbortSignal.timeout(world.profile.replyWithinMs) });
  const body = (await response.json()) as { connections?: unknown };
  if (response.status !== 200 || typeof body.connections !== 'number') {
    throw new Error(`GET /health answered ${response.status} with connections ${JSON.stringify(body.connections)}: operators cannot see how many users are connected`);
  }
  return body.connections;
}

export async function noteConnectionBaseline(world: GoldenPathWorld): Promise<void> {
  world.connectionBaseline = await healthConnections(world);
}

/** Open-then-close cycles, alternating a clean close and a dropped connection (a killed tab). */
export async function churn(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  for (let cycle = 0; cycle < world.profile.churnCycles; cycle += 1) {
    const connection = await user.openChat();
    await (cycle % 2 === 0 ? connection.close() : connection.drop());
  }
}

export async function backToBaseline(world: GoldenPathWorld): Promise<void> {
  const baseline = world.connectionBaseline;
  if (baseline === undefined) throw new Error('no baseline: a step must read the connection count first');
  let last = Number.NaN;
  try {
    await pollUntil(`/health connections back to ${baseline}`, world.profile.replyWithinMs, async () => {
      last = await healthConnections(world);
      return last <= baseline ? true : undefined;
    });
  } catch {
    failIfAny('the backend leaks connections', [
      `after ${world.profile.churnCycles} connect/close cycles /health still counts ${last} open connections, ${last - baseline} more than before: every reconnecting user leaks a slot, so the instance fills up and refuses real users, and autoscaling reads a load that isn't there`,
    ]);
  }
}

export async function stillWorks(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  await user.openChat();
  const message = user.ask(spendAnalysisRequest());
  const run = await user.watchRun(message);
  if (!run.events.some((event) => event.type === 'agent_completed' && event.data.status === 'success')) {
    throw new Error(`after the churn ${name}'s question did not get a successful answer: the instance is degraded by connections that are long gone`);
  }
}

export async function opensTabs(world: GoldenPathWorld, name: string, count: number): Promise<void> {
  const user = world.user(name);
  await Promise.all(Array.from({ length: count }, () => user.openChat()));
}

export async function opensOneTabTooMany(world: GoldenPathWorld, name: string): Promise<void> {
  const user = world.user(name);
  try {
    const connection = await ChatConnection.connect({
      label: `${name}/one-too-many`,
      url: world.endpoint.wsUrl,
      credentials: presentToken(user.token(), 'header'),
      timeoutMs: world.profile.connectTimeoutMs,
    });
    user.connections.push(connection);
    world.extraTabOutcome = { upgraded: true, status: 101, body: '' };
  } catch (error) {
    if (!(error instanceof HandshakeRefusedError)) throw error;
    world.extraTabOutcome = { upgraded: false, status: error.status, body: error.body, contentType: error.contentType };
  }
}

export function refusedAsTooMany(world: GoldenPathWorld, name: string): void {
  const outcome = world.extraTabOutcome;
  if (outcome === undefined) throw new Error('no extra tab was opened');
  if (outcome.upgraded) {
    failIfAny(`${name}'s eleventh tab was not refused`, [
      `the eleventh connection was upgraded (101) instead of refused with 429 before the upgrade: a client cannot tell "too many tabs" from a broken chat, and if the server then closes it (1011 or otherwise) users see "connection failed"`,
    ]);
    return;
  }
  const violations: string[] = [];
  if (outcome.status !== 429) violations.push(`the eleventh connection was refused with HTTP ${outcome.status} instead of 429: the client cannot tell the user to close a tab rather than sign in again`);
  const body = parseJson(outcome.body) as { error?: { code?: unknown; message?: unknown } } | undefined;
  if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string') {
    violations.push(`the refusal's body is not {"error":{"code","message"}} (${outcome.body.slice(0, 120)}): the client has nothing to show the user`);
  }
  failIfAny(`${name}'s eleventh tab was refused the wrong way`, violations);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // reported by the caller as a body that is not JSON
  }
}

/** SIGTERM to the scenario's own backend, then the same command started again on the same port. */
export async function chatServiceRestarts(world: GoldenPathWorld): Promise<void> {
  world.crowdBeforeRestart = world.crowdAttempts;
  world.restartExit = await world.ownBackend.restart(world.profile);
}

export async function everyoneToldGoingAway(world: GoldenPathWorld): Promise<void> {
  const violations: string[] = [];
  if (world.restartExit !== 0) violations.push(`the backend exited with ${String(world.restartExit)} on SIGTERM instead of 0: the platform counts every deploy as a crash`);
  for (const attempt of world.crowdBeforeRestart) {
    const close = attempt.connection?.closeEvent ?? (await attempt.connection?.waitForClose('waiting for the shutdown close', world.profile.replyWithinMs));
    if (close?.code !== 1001) violations.push(`${attempt.user.name}'s connection closed with ${String(close?.code)} instead of 1001 (going away): the client cannot tell a deploy from a failure, so it shows an error instead of quietly reconnecting`);
  }
  failIfAny('the restart was not announced to connected users', violations.slice(0, 10));
}
