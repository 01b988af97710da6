import type { GoldenPathWorld } from '../world';
import type { ChatRequest } from '../actors/requests';
import { spendAnalysisRequest } from '../actors/requests';
import { malformedFrame, type RejectionCode } from '../actors/hostile-frames';
import type * as RandomFramesModule from '../actors/random-frames';
import type { RandomFrame } from '../actors/random-frames';

/** fast-check takes most of a second to load: only the fuzz scenario pays for it. */
function loadRandomFrames(): typeof RandomFramesModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../actors/random-frames') as typeof RandomFramesModule;
}
import { describeClose, type ChatConnection } from '../client/chat-connection';
import { frameData, frameType, type ReceivedFrame } from '../domain/frames';
import { failIfAny } from '../expectations/violation-error';

/**
 * PROTOCOL §4, §8 and §9 against a client that sends garbage: malformed
 * frames, oversize and binary messages, floods, and a seeded barrage of
 * random frames. Whatever comes in, the answer is an explanation or a
 * defined close code — never 1011, never a dropped connection.
 */

/** PROTOCOL §8: the rate limit per connection. */
const RATE_LIMIT_FRAMES = 20;
const RATE_WINDOW_MS = 1_000;
/** PROTOCOL §8: the largest message a server must take. */
const MAX_MESSAGE_BYTES = 64 * 1024;
const FLOOD_FRAMES = 100;
/** The nonce of the ping closing each fuzz round. */
const ROUND_CHECK = /^fuzz-round-\d+-\d+$/;

interface FuzzLane {
  readonly connection: ChatConnection;
  readonly frames: readonly RandomFrame[];
  /** Index in `connection.received` where the fuzz began. */
  readonly from: number;
  sent: number;
  failure?: string;
}

interface FuzzRun {
  readonly seed: number;
  readonly frames: readonly RandomFrame[];
  readonly lanes: readonly FuzzLane[];
  readonly elapsedMs: number;
}

interface HostileState {
  sent?: { connection: ChatConnection; from: number; what: string; text: string };
  flood?: { connection: ChatConnection; from: number };
  fuzz?: FuzzRun;
}

const states = new WeakMap<GoldenPathWorld, HostileState>();

function state(world: GoldenPathWorld): HostileState {
  let found = states.get(world);
  if (found === undefined) {
    found = {};
    states.set(world, found);
  }
  return found;
}

/** A server-sent value in a message; never throws, whatever the value (String() does on some objects). */
const label = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined');
const excerpt = (text: string, max = 100): string => JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);

// ---------------------------------------------------------------------------------------------
// One malformed frame at a time
// ---------------------------------------------------------------------------------------------

export function sendsMalformed(world: GoldenPathWorld, name: string, frameName: string): void {
  const connection = world.user(name).chat;
  const text = malformedFrame(frameName);
  const from = connection.received.length;
  connection.sendText(text);
  state(world).sent = { connection, from, what: frameName, text };
}

const VERDICTS = { invalid: 'INVALID_MESSAGE', 'of a kind the chat does not support': 'UNSUPPORTED_TYPE' } as const satisfies Record<string, RejectionCode>;
export type Verdict = keyof typeof VERDICTS;
export const VERDICT_NAMES = Object.keys(VERDICTS) as Verdict[];

/** PROTOCOL §4/§8: an error frame with the right code, and the connection stays open. */
export async function toldFrameWas(world: GoldenPathWorld, name: string, verdict: Verdict): Promise<void> {
  const sent = state(world).sent;
  if (sent === undefined) throw new Error(`${name}'s app has not sent a malformed frame: a step must send one first`);
  const code = VERDICTS[verdict];
  const headline = `${name}'s app sent ${sent.what} and was not told it was ${verdict}`;
  let answer: ReceivedFrame;
  try {
    answer = await sent.connection.waitFor(`waiting for the answer to ${sent.what}`, world.profile.replyWithinMs, (frames) =>
      frames.slice(sent.from).find((frame) => ['error', 'message_accepted', 'pong'].includes(frameType(frame) ?? '')),
    );
  } catch (error) {
    const close = sent.connection.closeEvent;
    failIfAny(headline, [
      close === undefined
        ? `nothing answered ${excerpt(sent.text)} (${error instanceof Error ? error.message : String(error)}): the app never learns its frame was rejected, so a buggy app version fails silently for every user`
        : `the server closed the connection (${describeClose(close)}) instead of answering ${code}: one bad frame from a buggy app version throws the user out of her chat, mid-conversation`,
    ]);
    return;
  }
  world.log(`${sent.what}: answered ${answer.text.slice(0, 240)}`);
  const violations: string[] = [];
  if (frameType(answer) !== 'error') {
    violations.push(`${excerpt(sent.text)} was answered with ${frameType(answer) ?? '?'} as if it were valid: the server acts on malformed input it should refuse, so garbage reaches the agent, the database or the bill`);
  } else if (frameData(answer).code !== code) {
    violations.push(`${excerpt(sent.text)} was answered with the error ${label(frameData(answer).code)} instead of ${code}: the app cannot tell a malformed frame from ${verdict === 'invalid' ? 'an unsupported one' : 'a malformed one'}, so developers chase the wrong bug`);
  }
  if (sent.connection.closeEvent !== undefined) {
    violations.push(`the connection was then closed (${describeClose(sent.connection.closeEvent)}): an error frame must never close the connection (PROTOCOL §4), or a single bad frame ends the user's session`);
  }
  failIfAny(headline, violations);
}

/** A question of exactly 8,000 code points, many of them emoji (two UTF-16 units each). */
export function longestQuestion(): ChatRequest {
  const words = spendAnalysisRequest().content;
  const codePoints = [...words];
  return { content: `${words}${'💸'.repeat(8_000 - codePoints.length)}`, asksForAnalysis: true };
}

// ---------------------------------------------------------------------------------------------
// Oversize and binary messages
// ---------------------------------------------------------------------------------------------

export function sendsOversize(world: GoldenPathWorld, name: string, fragmented: boolean): void {
  const connection = world.user(name).chat;
  const text = JSON.stringify({ type: 'user_message', data: { content: 'x'.repeat(MAX_MESSAGE_BYTES + 4_000), client_message_id: '00000000-0000-4000-8000-000000000000' } });
  const from = connection.received.length;
  if (fragmented) connection.sendFragmented(text, 4_096);
  else connection.sendText(text);
  state(world).sent = { connection, from, what: `a ${Math.round(text.length / 1024)} KiB message${fragmented ? ' in 4 KiB fragments' : ''}`, text };
}

export function sendsBinary(world: GoldenPathWorld, name: string): void {
  const connection = world.user(name).chat;
  const text = JSON.stringify({ type: 'ping', data: { nonce: 'sent as binary' } });
  const from = connection.received.length;
  connection.sendBinary(Buffer.from(text, 'utf8'));
  state(world).sent = { connection, from, what: 'a binary frame', text };
}

/** PROTOCOL §8/§9: the server closes with `code`. */
export async function closedWith(world: GoldenPathWorld, name: string, code: 1009 | 1003): Promise<void> {
  const sent = state(world).sent;
  if (sent === undefined) throw new Error(`${name}'s app has not sent anything oversize or binary: a step must send it first`);
  const meaning = code === 1009 ? 'message too big' : 'binary data not supported';
  const close = await sent.connection.waitForClose(`waiting for the server to close after ${sent.what}`, world.profile.replyWithinMs).catch(() => undefined); // reported below with its impact
  const answers = sent.connection.received.slice(sent.from).map((frame) => frameType(frame) ?? frame.text.slice(0, 40));
  if (close !== undefined) world.log(`${sent.what}: closed with ${describeClose(close)}`);
  const headline = `${name}'s chat did not close with ${code} (${meaning}) after ${sent.what}`;
  if (close === undefined) {
    failIfAny(headline, [
      code === 1009
        ? `the server kept the connection open after ${sent.what}, over the 64 KiB limit (answers: ${answers.join(', ') || 'none'}): any client can make the server buffer and parse arbitrarily large messages — a memory exhaustion attack on every instance`
        : `the server kept the connection open after ${sent.what} (answers: ${answers.join(', ') || 'none'}): binary data is ${answers.length > 0 ? 'decoded and processed as if it were text' : 'silently ignored'}, so clients that send the wrong frame kind never learn why nothing happens`,
    ]);
    return;
  }
  failIfAny(headline, close.code === code ? [] : [
    `the server closed with ${describeClose(close)} instead of ${code} (${meaning}): the client cannot tell its own mistake from a server failure${close.code === 1011 ? ', and 1011 is the very error this product exists to eliminate' : ''}, so it reconnects and sends the same thing again`,
  ]);
}

// ---------------------------------------------------------------------------------------------
// A flood
// ---------------------------------------------------------------------------------------------

export function sendsFlood(world: GoldenPathWorld, name: string): void {
  const connection = world.user(name).chat;
  const from = connection.received.length;
  for (let index = 1; index <= FLOOD_FRAMES; index += 1) connection.send('ping', { nonce: `flood-${index}` });
  state(world).flood = { connection, from };
}

function floodAnswers(frames: readonly ReceivedFrame[]): { pongs: number; limited: ReceivedFrame[]; otherErrors: string[] } {
  const pongs = frames.filter((frame) => {
    const nonce = frameData(frame).nonce;
    return frameType(frame) === 'pong' && typeof nonce === 'string' && nonce.startsWith('flood-');
  }).length;
  const errors = frames.filter((frame) => frameType(frame) === 'error');
  const limited = errors.filter((frame) => frameData(frame).code === 'RATE_LIMITED');
  return { pongs, limited, otherErrors: errors.filter((frame) => frameData(frame).code !== 'RATE_LIMITED').map((frame) => label(frameData(frame).code)) };
}

/** PROTOCOL §8: over 20 frames a second → RATE_LIMITED with retry_after_ms; every frame answered; the connection stays open. */
export async function toldToSlowDown(world: GoldenPathWorld, name: string): Promise<void> {
  const flood = state(world).flood;
  if (flood === undefined) throw new Error(`${name}'s app has not flooded the chat: a step must send the flood first`);
  const { connection, from } = flood;
  const answered = await connection
    .waitFor(`waiting for an answer to each of the ${FLOOD_FRAMES} frames`, world.profile.replyWithinMs, (frames) => {
      const answers = floodAnswers(frames.slice(from));
      return answers.pongs + answers.limited.length >= FLOOD_FRAMES ? true : undefined;
    })
    .catch(() => false); // the counts below say what was missing
  const { pongs, limited, otherErrors } = floodAnswers(connection.received.slice(from));
  world.log(`flood of ${FLOOD_FRAMES} pings: ${pongs} answered, ${limited.length} RATE_LIMITED${otherErrors.length > 0 ? `, other errors: ${otherErrors.join(', ')}` : ''}`);
  const violations: string[] = [];
  if (connection.closeEvent !== undefined) {
    violations.push(`the flood closed ${name}'s connection (${describeClose(connection.closeEvent)}): a client bug that loops on send disconnects the user instead of slowing her app down`);
  }
  if (limited.length === 0) {
    violations.push(`all ${pongs} of the ${FLOOD_FRAMES} frames sent at once were processed and none was refused with RATE_LIMITED (the limit is ${RATE_LIMIT_FRAMES} a second): one looping client can monopolise an instance and the database behind it, degrading every other user`);
  }
  const withoutDelay = limited.filter((frame) => {
    const retry = frameData(frame).retry_after_ms;
    return typeof retry !== 'number' || !Number.isFinite(retry) || retry < 0;
  });
  if (withoutDelay.length > 0) {
    violations.push(`${withoutDelay.length} RATE_LIMITED answers carry no usable retry_after_ms (${excerpt(withoutDelay[0]?.text ?? '')}): the app cannot know when to try again, so it either hammers the server or gives up`);
  }
  const longest = Math.max(0, ...limited.map((frame) => Number(frameData(frame).retry_after_ms)).filter(Number.isFinite));
  if (longest > world.profile.replyWithinMs) {
    violations.push(`RATE_LIMITED asks the app to wait ${longest} ms, longer than ${world.profile.replyWithinMs} ms although the limit is per second: a burst freezes ${name}'s chat for far longer than it needs to`);
  }
  if (!answered && connection.closeEvent === undefined) {
    violations.push(`only ${pongs + limited.length} of the ${FLOOD_FRAMES} frames were answered (${pongs} pongs, ${limited.length} RATE_LIMITED) within ${world.profile.replyWithinMs} ms: frames over the limit vanish without a word, so a question sent in a busy moment is silently lost`);
  }
  failIfAny(`${name}'s flood was not limited the way the protocol says`, violations);
}

/** Waits the pause the server itself asked for (the latest moment any retry_after_ms points to): following the protocol, not guessing. */
export async function waitsAsAsked(world: GoldenPathWorld, name: string): Promise<void> {
  const flood = state(world).flood;
  if (flood === undefined) throw new Error(`${name}'s app has not flooded the chat: a step must send the flood first`);
  const { limited } = floodAnswers(flood.connection.received.slice(flood.from));
  const resumeAt = Math.max(performance.now(), ...limited.map((frame) => frame.receivedAt + Number(frameData(frame).retry_after_ms)).filter(Number.isFinite));
  await new Promise<void>((resolve) => setTimeout(resolve, resumeAt - performance.now()));
}

// ---------------------------------------------------------------------------------------------
// The fuzz barrage
// ---------------------------------------------------------------------------------------------

/** The crowd of hostile apps: `fuzz.users` users, each with `fuzz.connectionsPerUser` ready tabs. */
export async function hostileCrowdConnects(world: GoldenPathWorld): Promise<void> {
  const { users, connectionsPerUser } = world.profile.fuzz;
  world.crowd = Array.from({ length: users }, (_, index) => world.signInExtra(`Fuzzer${index + 1}`));
  await Promise.all(world.crowd.map((user) => Promise.all(Array.from({ length: connectionsPerUser }, () => user.openChat()))));
}

/**
 * Sends `fuzz.frames` random frames (fast-check, seeded), spread over every
 * tab of the crowd: per tab, rounds of 19 random frames and one ping whose
 * pong proves the round was read; the next round starts a rate window
 * (PROTOCOL §8) after that pong, so the frames are parsed, not rate limited.
 */
export async function crowdSendsRandomFrames(world: GoldenPathWorld): Promise<void> {
  const { fuzzSeed, randomFrames } = loadRandomFrames();
  const seed = fuzzSeed();
  const { frames: count, withinMs } = world.profile.fuzz;
  const frames = randomFrames(seed, count);
  const connections = world.crowd.flatMap((user) => user.connections);
  if (connections.length === 0) throw new Error('no hostile app has the chat open: a step must open the crowd\'s tabs first');
  world.log(`fuzz: fast-check seed ${seed} (replay with GOLDEN_PATH_FUZZ_SEED=${seed}): ${frames.length} random frames over ${connections.length} connections`);
  const lanes: FuzzLane[] = connections.map((connection, lane) => ({
    connection,
    frames: frames.filter((_, index) => index % connections.length === lane),
    from: connection.received.length,
    sent: 0,
  }));
  const started = performance.now();
  const deadline = started + withinMs;
  await Promise.all(lanes.map((lane, index) => runLane(lane, index, deadline)));
  const run: FuzzRun = { seed, frames, lanes, elapsedMs: performance.now() - started };
  state(world).fuzz = run;
  world.log(fuzzSummary(run));
}

async function runLane(lane: FuzzLane, index: number, deadline: number): Promise<void> {
  const perRound = RATE_LIMIT_FRAMES - 1;
  let windowOpensAt = 0;
  for (let round = 0; lane.sent < lane.frames.length; round += 1) {
    // The next round waits for the rate window of the last one to pass (PROTOCOL §8: 20 frames a second).
    if (windowOpensAt > performance.now()) await new Promise<void>((resolve) => setTimeout(resolve, windowOpensAt - performance.now()));
    for (const frame of lane.frames.slice(lane.sent, lane.sent + perRound)) {
      if (!lane.connection.isOpen) break;
      lane.connection.sendText(frame.text);
      lane.sent += 1;
    }
    const nonce = `fuzz-round-${index}-${round}`;
    try {
      lane.connection.send('ping', { nonce });
      const pong = await lane.connection.waitFor(`waiting for the pong after fuzz round ${round + 1}`, Math.max(1, deadline - performance.now()), (frames) =>
        frames.find((frame) => frameType(frame) === 'pong' && frameData(frame).nonce === nonce),
      );
      windowOpensAt = pong.receivedAt + RATE_WINDOW_MS + 25;
    } catch (error) {
      lane.failure = error instanceof Error ? error.message : String(error); // judged, with the frames that caused it, by the Then step
      return;
    }
  }
}

function fuzzSummary(run: FuzzRun): string {
  const sent = run.lanes.reduce((total, lane) => total + lane.sent, 0);
  const kinds = new Map<string, number>();
  for (const lane of run.lanes) for (const frame of lane.frames.slice(0, lane.sent)) kinds.set(frame.kind, (kinds.get(frame.kind) ?? 0) + 1);
  const answers = new Map<string, number>();
  let roundChecks = 0;
  for (const lane of run.lanes) {
    for (const frame of lane.connection.received.slice(lane.from)) {
      const type = frameType(frame) ?? '(not JSON)';
      const nonce = frameData(frame).nonce;
      if (type === 'pong' && typeof nonce === 'string' && ROUND_CHECK.test(nonce)) {
        roundChecks += 1;
        continue;
      }
      const key = type === 'error' ? `error ${label(frameData(frame).code)}` : type;
      answers.set(key, (answers.get(key) ?? 0) + 1);
    }
  }
  const closes = run.lanes.flatMap((lane) => (lane.connection.closeEvent === undefined ? [] : [describeClose(lane.connection.closeEvent)]));
  const list = (counts: Map<string, number>): string => [...counts].sort((a, b) => b[1] - a[1]).map(([key, value]) => `${key} × ${value}`).join(', ');
  return [
    `fuzz seed ${run.seed}: ${sent} random frames sent over ${run.lanes.length} connections in ${(run.elapsedMs / 1000).toFixed(2)} s`,
    `  frames by kind: ${list(kinds)}`,
    `  answers: ${list(answers)} (and ${roundChecks} pongs of the suite's own round checks)`,
    `  closes during the fuzz: ${closes.length === 0 ? 'none' : closes.join(', ')}`,
  ].join('\n');
}

/** No close at all (1011 or otherwise), no drop, every round answered, within the time budget. */
export function fuzzBrokeNothing(world: GoldenPathWorld): void {
  const run = state(world).fuzz;
  if (run === undefined) throw new Error('no fuzz barrage was sent: a step must send it first');
  const { seed, lanes, elapsedMs } = run;
  const sent = lanes.reduce((total, lane) => total + lane.sent, 0);
  const violations: string[] = [];
  for (const lane of lanes) {
    const close = lane.connection.closeEvent;
    if (lane.failure === undefined && close === undefined) continue;
    const suspects = lane.frames.slice(Math.max(0, lane.sent - 3), lane.sent).map((frame) => `${frame.kind}: ${excerpt(frame.text, 160)}`).join(' | ');
    const what =
      close === undefined
        ? `stopped answering (${lane.failure ?? ''})`
        : close.code === 1011
          ? `was closed with 1011 (internal error) — the seed plan's critical failure, triggered by nothing but input`
          : close.code === 1006
            ? 'was dropped without a close frame (1006): the server crashed or cut the socket on bad input'
            : `was closed (${describeClose(close)}) although every frame was within the size limit and in text`;
    violations.push(`${lane.connection.label} ${what}; the last frames it sent: ${suspects}`);
  }
  if (sent < world.profile.fuzz.frames && violations.length === 0) {
    violations.push(`only ${sent} of ${world.profile.fuzz.frames} random frames were sent: the fuzz did not cover what the profile asks`);
  }
  if (elapsedMs > world.profile.fuzz.withinMs) {
    violations.push(`answering ${sent} random frames took ${(elapsedMs / 1000).toFixed(1)} s, over the budget of ${(world.profile.fuzz.withinMs / 1000).toFixed(0)} s: garbage input slows the chat to a crawl, so one misbehaving client degrades everyone's conversations`);
  }
  failIfAny(
    `random frames broke the chat (fast-check seed ${seed}; replay with GOLDEN_PATH_FUZZ_SEED=${seed}): every user whose app sends one such frame is thrown out or left hanging`,
    violations.slice(0, 12),
  );
}

/** PROTOCOL §2: /health still answers 200. */
export async function stillHealthy(world: GoldenPathWorld): Promise<void> {
  const seed = state(world).fuzz?.seed;
  const replay = seed === undefined ? '' : ` (fast-check seed ${seed}; replay with GOLDEN_PATH_FUZZ_SEED=${seed})`;
  let status: string;
  try {
    const response = await fetch(`${world.endpoint.httpUrl}/health`, { signal: AbortSignal.timeout(world.profile.replyWithinMs) });
    const body = (await response.json().catch(() => undefined)) as { status?: unknown } | undefined;
    if (response.status === 200 && body?.status === 'ok') return;
    status = `answered HTTP ${response.status} with status ${JSON.stringify(body?.status)}`;
  } catch (error) {
    status = `did not answer (${error instanceof Error ? error.message : String(error)})`;
  }
  failIfAny(`the chat service is unhealthy after hostile input${replay}`, [
    `/health ${status}: the platform takes the instance out of rotation or restarts it, cutting off every user on it — a denial of service anyone can trigger`,
  ]);
}
