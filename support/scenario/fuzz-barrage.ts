import { Limits } from '../../protocol/constants';
import type { RandomFrame } from '../actors/random-frames';
import type * as RandomFramesModule from '../actors/random-frames';
import type { ChatConnection } from '../client/chat-connection';
import { frameData, frameType, type ReceivedFrame } from '../domain/frames';
import { describeValue } from '../domain/json';
import type { GoldenPathWorld } from '../world';

/** fast-check takes most of a second to load: only the fuzz scenario pays for it. */
function loadRandomFrames(): typeof RandomFramesModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../actors/random-frames') as typeof RandomFramesModule;
}

/** One tab's share of the barrage. */
export interface FuzzLane {
  readonly tab: ChatConnection;
  readonly frames: readonly RandomFrame[];
  /** Index in `tab.received` where the fuzz began. */
  readonly from: number;
  sent: number;
  /** Why the lane stopped before its last frame: its tab went silent for the profile's patience. */
  stalled?: string;
  /** The lane was still being answered, slowly, when the barrage's hard end came. */
  unfinished?: string;
}

/** The seeded barrage of random frames a crowd of hostile apps sent (created on first use). */
export class FuzzBarrage {
  seed = 0;
  lanes: FuzzLane[] = [];
  elapsedMs = 0;
}

/** The nonce of the ping closing each fuzz round. */
const ROUND_CHECK = /^fuzz-round-\d+-\d+$/;

/** The crowd of hostile apps: `fuzz.users` users, each with `fuzz.connectionsPerUser` ready tabs. */
export async function hostileCrowdConnects(world: GoldenPathWorld): Promise<void> {
  const { users, connectionsPerUser } = world.profile.fuzz;
  await Promise.all(world.signInCrowd('Fuzzer', users).map((user) => user.openTabs(connectionsPerUser)));
}

/**
 * Sends `fuzz.frames` random frames (fast-check, with the scenario's seed),
 * spread over every tab of the crowd: per tab, rounds of 19 random frames and
 * one ping whose pong proves the round was read; the next round starts a rate
 * window (PROTOCOL §8) after that pong, so the frames are parsed, not rate limited.
 */
export async function crowdSendsRandomFrames(world: GoldenPathWorld): Promise<FuzzBarrage> {
  const barrage = world.state(FuzzBarrage);
  barrage.seed = world.random.seed;
  const frames = loadRandomFrames().randomFrames(barrage.seed, world.profile.fuzz.frames);
  const tabs = world.crowd.flatMap((user) => user.tabs);
  if (tabs.length === 0) throw new Error("no hostile app has the chat open: a step must open the crowd's tabs first");
  barrage.lanes = tabs.map((tab, lane) => ({ tab, frames: frames.filter((_, index) => index % tabs.length === lane), from: tab.received.length, sent: 0 }));
  const started = performance.now();
  // Slow is not broken: a lane waits as long as its tab keeps answering (TGT-fuzz judges the time), up to a hard end.
  const hardEnd = started + 2 * world.profile.fuzz.withinMs + world.profile.patienceMs;
  await Promise.all(barrage.lanes.map((lane, index) => runLane(lane, index, world.profile.patienceMs, hardEnd)));
  barrage.elapsedMs = performance.now() - started;
  world.log(fuzzSummary(barrage));
  return barrage;
}

async function runLane(lane: FuzzLane, index: number, patienceMs: number, hardEnd: number): Promise<void> {
  const perRound = Limits.rateLimitFrames - 1;
  let windowOpensAt = 0;
  for (let round = 0; lane.sent < lane.frames.length; round += 1) {
    // The next round waits for the rate window of the last one to pass (PROTOCOL §8): pacing, not waiting for a condition.
    if (windowOpensAt > performance.now()) await new Promise<void>((resolve) => setTimeout(resolve, windowOpensAt - performance.now()));
    for (const frame of lane.frames.slice(lane.sent, lane.sent + perRound)) {
      if (!lane.tab.isOpen) break;
      lane.tab.sendText(frame.text);
      lane.sent += 1;
    }
    if (!lane.tab.isOpen) return;
    const nonce = `fuzz-round-${index}-${round}`;
    lane.tab.send('ping', { nonce });
    const pong = await pongWhileAnswering(lane.tab, nonce, patienceMs, hardEnd);
    if (pong === 'silent') {
      lane.stalled = `no answer at all for ${(patienceMs / 1000).toFixed(0)} s, and no pong after round ${round + 1}`;
      return;
    }
    if (pong === 'hard end') {
      lane.unfinished = `still answering round ${round + 1} when the barrage had to end`;
      return;
    }
    windowOpensAt = pong.receivedAt + Limits.rateWindowMs + 25;
  }
}

/**
 * The pong with `nonce`, waited for as long as the tab keeps answering: each
 * frame it receives renews the patience. 'silent' when nothing came for
 * `patienceMs`; 'hard end' when it was still answering at `hardEnd`.
 */
async function pongWhileAnswering(tab: ChatConnection, nonce: string, patienceMs: number, hardEnd: number): Promise<ReceivedFrame | 'silent' | 'hard end'> {
  for (;;) {
    const seen = tab.received.length;
    const wait = Math.min(patienceMs, hardEnd - performance.now());
    if (wait <= 0) return 'hard end';
    const found = await tab.until(wait, (frames) => frames.find((frame) => frameType(frame) === 'pong' && frameData(frame).nonce === nonce) ?? (frames.length > seen ? 'progress' : undefined));
    if (found === undefined) return performance.now() >= hardEnd ? 'hard end' : 'silent';
    if (found !== 'progress') return found;
  }
}

function fuzzSummary(barrage: FuzzBarrage): string {
  const sent = barrage.lanes.reduce((total, lane) => total + lane.sent, 0);
  const kinds = new Map<string, number>();
  for (const lane of barrage.lanes) for (const frame of lane.frames.slice(0, lane.sent)) kinds.set(frame.kind, (kinds.get(frame.kind) ?? 0) + 1);
  const answers = new Map<string, number>();
  let roundChecks = 0;
  for (const lane of barrage.lanes) {
    for (const frame of lane.tab.received.slice(lane.from)) {
      const type = frameType(frame) ?? '(not JSON)';
      const nonce = frameData(frame).nonce;
      if (type === 'pong' && typeof nonce === 'string' && ROUND_CHECK.test(nonce)) {
        roundChecks += 1;
        continue;
      }
      const key = type === 'error' ? `error ${describeValue(frameData(frame).code)}` : type;
      answers.set(key, (answers.get(key) ?? 0) + 1);
    }
  }
  const list = (counts: Map<string, number>): string => [...counts].sort((a, b) => b[1] - a[1]).map(([key, value]) => `${key} × ${value}`).join(', ');
  return [
    `fuzz seed ${barrage.seed} (replay with GOLDEN_PATH_SEED=${barrage.seed}): ${sent} random frames sent over ${barrage.lanes.length} connections in ${(barrage.elapsedMs / 1000).toFixed(2)} s`,
    `  frames by kind: ${list(kinds)}`,
    `  answers: ${list(answers)} (and ${roundChecks} pongs of the suite's own round checks)`,
  ].join('\n');
}
