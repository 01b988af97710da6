/**
 * The four measurements. Every loop is bounded both in count and in time;
 * every connection and run has its own timeout and fails the bench outright
 * (BenchFailure) rather than being skipped.
 */
import { cpus } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { LaunchedBackend } from '../../support/target/launched-backend';
import { ChatSession, readyHandshake, type RunObservation } from './client';
import { CpuMeter, addCpu, cpuPer, type CpuSample } from './cpu';
import { waitUntilIdle } from './environment';
import { LatencyRecorder, medianRate, round3, type LatencySummary } from './stats';

export interface BenchUser {
  readonly userId: string;
  readonly token: string;
}

/** Hands out users round-robin, so no user nears the backend's 10-connections-per-user limit. */
export class UserPool {
  private next = 0;

  constructor(readonly users: readonly BenchUser[]) {
    if (users.length === 0) throw new Error('no users');
  }

  take(): BenchUser {
    const user = this.users[this.next % this.users.length] as BenchUser;
    this.next += 1;
    return user;
  }

  /** `count` distinct users (count ≤ pool size). */
  takeDistinct(count: number): BenchUser[] {
    if (count > this.users.length) throw new Error(`asked for ${count} distinct users from a pool of ${this.users.length}`);
    return Array.from({ length: count }, () => this.take());
  }
}

export interface Targets {
  readonly backend: LaunchedBackend;
  readonly bareWsUrl: string;
  /** CPU of "backend", "bare", "redis", "postgres" and "client". */
  readonly cpu: CpuMeter;
}

type ServerName = 'bare' | 'backend';

// ───────────────────────────── 1. ready-handshake throughput ─────────────────────────────

export interface ThroughputSettings {
  readonly concurrency: number;
  readonly rounds: number;
  readonly roundMs: number;
  /** Unmeasured alternating rounds per server before the measured ones, each `warmupMs` long. */
  readonly warmupRounds: number;
  readonly warmupMs: number;
  readonly maxHandshakesPerRound: number;
  readonly handshakeTimeoutMs: number;
}

export interface ThroughputRound {
  readonly server: ServerName;
  readonly handshakes: number;
  readonly seconds: number;
  readonly perSecond: number;
}

export interface ServerThroughput {
  readonly medianPerSecond: number;
  readonly rounds: number[];
  readonly handshakes: number;
  /** Start of the connect → connection_established, every handshake of the measured rounds. */
  readonly readyLatency: LatencySummary;
  /** CPU ms per handshake of each watched process over this server's rounds. */
  readonly cpuMsPerHandshake: CpuSample;
}

export interface ThroughputResult {
  readonly bare: ServerThroughput;
  readonly backend: ServerThroughput;
  /** median(backend) / median(bare): the headline. */
  readonly ratio: number;
  /** backend / bare of each adjacent pair of rounds, and their median, for judging the spread. */
  readonly pairRatios: number[];
  readonly medianPairRatio: number;
  /**
   * The ratio the measured CPU cost per handshake predicts for this machine
   * with nothing else running (see cpuBoundRate); far less sensitive to other
   * load on the machine than the wall-clock ratio. Null without /proc.
   */
  readonly cpuCostRatio: number | null;
  readonly order: ServerName[];
}

/**
 * Handshakes per second the CPU cost allows on an otherwise idle machine: the
 * busiest single-threaded process (client, server, Redis) can do at most
 * 1000 / its ms per handshake, and all processes together (PostgreSQL's too)
 * at most 1000 × cores / their summed ms. The lower bound wins.
 */
function cpuBoundRate(msPerHandshake: CpuSample): number {
  const entries = Object.entries(msPerHandshake).filter(([name]) => name !== 'machine');
  const total = entries.reduce((sum, [, ms]) => sum + ms, 0);
  const busiestThread = Math.max(...entries.filter(([name]) => name !== 'postgres').map(([, ms]) => ms));
  return Math.min(1000 / busiestThread, (1000 * cpus().length) / total);
}

/** Closed loop: `concurrency` workers each repeat ready handshakes until the round's time (or count) is up. */
async function handshakeRound(url: string, users: UserPool, settings: ThroughputSettings, durationMs: number, latency?: LatencyRecorder): Promise<{ handshakes: number; seconds: number }> {
  const started = performance.now();
  const deadline = started + durationMs;
  let begun = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline && begun < settings.maxHandshakesPerRound) {
      begun += 1;
      const ms = await readyHandshake(url, users.take().token, settings.handshakeTimeoutMs);
      done += 1;
      latency?.recordMs(ms);
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  return { handshakes: done, seconds: (performance.now() - started) / 1000 };
}

export async function measureHandshakeThroughput(targets: Targets, users: UserPool, settings: ThroughputSettings, log: (line: string) => void): Promise<ThroughputResult> {
  const urls: Record<ServerName, string> = { bare: targets.bareWsUrl, backend: targets.backend.wsUrl };
  const settle = async (server: ServerName): Promise<void> => {
    if (server === 'backend') await waitUntilIdle(targets.backend);
  };
  // Warm both servers (JIT, pools, Redis subscriptions) and the client; not counted.
  for (let i = 0; i < settings.warmupRounds; i += 1) {
    for (const server of ['bare', 'backend'] as const) {
      await handshakeRound(urls[server], users, settings, settings.warmupMs);
      await settle(server);
    }
  }
  const latency: Record<ServerName, LatencyRecorder> = { bare: new LatencyRecorder(), backend: new LatencyRecorder() };
  const cpu: Record<ServerName, CpuSample> = { bare: {}, backend: {} };
  const rounds: ThroughputRound[] = [];
  for (let i = 0; i < settings.rounds; i += 1) {
    // ABBA order: neither server always runs first in a pair, so slow drift cancels out.
    const pair: ServerName[] = i % 2 === 0 ? ['bare', 'backend'] : ['backend', 'bare'];
    for (const server of pair) {
      const before = targets.cpu.sample();
      const { handshakes, seconds } = await handshakeRound(urls[server], users, settings, settings.roundMs, latency[server]);
      addCpu(cpu[server], CpuMeter.since(before, targets.cpu.sample()));
      rounds.push({ server, handshakes, seconds, perSecond: round3(handshakes / seconds) });
      await settle(server);
    }
    const [first, second] = rounds.slice(-2);
    log(`  round ${i + 1}/${settings.rounds}: ${first?.server} ${first?.perSecond.toFixed(0)}/s, ${second?.server} ${second?.perSecond.toFixed(0)}/s`);
  }
  const summarise = (server: ServerName): ServerThroughput => {
    const own = rounds.filter((r) => r.server === server);
    const handshakes = own.reduce((sum, r) => sum + r.handshakes, 0);
    return {
      medianPerSecond: medianRate(own.map((r) => r.perSecond)),
      rounds: own.map((r) => r.perSecond),
      handshakes,
      readyLatency: latency[server].summary(),
      cpuMsPerHandshake: cpuPer(cpu[server], handshakes),
    };
  };
  const bare = summarise('bare');
  const backend = summarise('backend');
  const pairRatios: number[] = [];
  for (let i = 0; i + 1 < rounds.length; i += 2) {
    const pair = [rounds[i], rounds[i + 1]];
    const backendRound = pair.find((r) => r?.server === 'backend');
    const bareRound = pair.find((r) => r?.server === 'bare');
    if (backendRound !== undefined && bareRound !== undefined) pairRatios.push(round3(backendRound.perSecond / bareRound.perSecond));
  }
  return {
    bare,
    backend,
    ratio: round3(backend.medianPerSecond / bare.medianPerSecond),
    pairRatios,
    medianPairRatio: medianRate(pairRatios),
    cpuCostRatio: targets.cpu.available ? round3(cpuBoundRate(backend.cpuMsPerHandshake) / cpuBoundRate(bare.cpuMsPerHandshake)) : null,
    order: rounds.map((r) => r.server),
  };
}

// ───────────────────────────── 2. time to connection_established at concurrency N ─────────────────────────────

export interface BurstSettings {
  /** N → how many bursts of N connections opened at once. */
  readonly levels: readonly { readonly connections: number; readonly bursts: number }[];
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
}

export interface BurstLevelResult {
  readonly connections: number;
  readonly bursts: number;
  readonly backend: LatencySummary;
  readonly bare: LatencySummary;
}

/** Opens `count` connections at once; resolves with each one's time to connection_established, all closed again. */
async function burst(url: string, users: BenchUser[], settings: BurstSettings): Promise<number[]> {
  const opening = users.map((user) => ChatSession.open(url, user.userId, user.token, settings.connectTimeoutMs));
  const results = await Promise.allSettled(opening);
  const sessions = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  await Promise.all(sessions.map((session) => session.close(settings.closeTimeoutMs)));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) {
    const count = results.length - sessions.length;
    throw new Error(`${count} of ${users.length} connections opened at once failed; the first: ${String(failed.reason)}`, { cause: failed.reason });
  }
  return sessions.map((session) => session.readyMs);
}

export async function measureConnectBursts(targets: Targets, users: UserPool, settings: BurstSettings, log: (line: string) => void): Promise<BurstLevelResult[]> {
  const results: BurstLevelResult[] = [];
  for (const level of settings.levels) {
    const recorders: Record<ServerName, LatencyRecorder> = { bare: new LatencyRecorder(), backend: new LatencyRecorder() };
    for (let i = 0; i < level.bursts; i += 1) {
      const order: ServerName[] = i % 2 === 0 ? ['bare', 'backend'] : ['backend', 'bare'];
      for (const server of order) {
        const url = server === 'backend' ? targets.backend.wsUrl : targets.bareWsUrl;
        for (const ms of await burst(url, users.takeDistinct(level.connections), settings)) recorders[server].recordMs(ms);
        if (server === 'backend') await waitUntilIdle(targets.backend);
      }
    }
    const result = { connections: level.connections, bursts: level.bursts, backend: recorders.backend.summary(), bare: recorders.bare.summary() };
    log(`  N=${level.connections}: backend p50 ${result.backend.p50Ms.toFixed(1)} ms, p99 ${result.backend.p99Ms.toFixed(1)} ms (${result.backend.samples} connections)`);
    results.push(result);
  }
  return results;
}

// ───────────────────────────── 3. user_message → agent_started ─────────────────────────────

export interface MessageLatencySettings {
  readonly concurrency: number;
  readonly runsPerConnection: number;
  /**
   * Least time between two user_messages on one connection: PROTOCOL §8 answers
   * more than 20 client frames in one second with RATE_LIMITED, and a fast
   * backend finishes a run well within 50 ms.
   */
  readonly minSendIntervalMs: number;
  /**
   * Unmeasured runs per connection first: the first ones pay for cold paths
   * (the backend's PostgreSQL pool growing, code not yet optimised). The very
   * first run of each connection is reported on its own, as "cold".
   */
  readonly warmupRunsPerConnection: number;
  readonly phaseTimeoutMs: number;
  readonly runTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
}

export interface MessageLatencyResult {
  readonly runs: number;
  readonly concurrency: number;
  /** user_message sent → agent_started of the run named in message_accepted (the headline). */
  readonly toAgentStarted: LatencySummary;
  readonly toMessageAccepted: LatencySummary;
  readonly toAgentCompleted: LatencySummary;
  /** user_message → agent_started of the first run on each fresh connection (part of the warm-up, not above). */
  readonly coldToAgentStarted: LatencySummary;
  readonly eventsPerRun: { readonly min: number; readonly max: number };
}

/** Opens one connection per user (all at once); closes them all if any fails. */
async function openSessions(url: string, users: BenchUser[], connectTimeoutMs: number, closeTimeoutMs: number): Promise<ChatSession[]> {
  const results = await Promise.allSettled(users.map((user) => ChatSession.open(url, user.userId, user.token, connectTimeoutMs)));
  const sessions = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) {
    await closeSessions(sessions, closeTimeoutMs);
    throw new Error(`${results.length - sessions.length} of ${users.length} connections failed; the first: ${String(failed.reason)}`, { cause: failed.reason });
  }
  return sessions;
}

async function closeSessions(sessions: ChatSession[], closeTimeoutMs: number): Promise<void> {
  await Promise.all(sessions.map((session) => session.close(closeTimeoutMs)));
}

export async function measureMessageLatency(targets: Targets, users: UserPool, settings: MessageLatencySettings): Promise<MessageLatencyResult> {
  const sessions = await openSessions(targets.backend.wsUrl, users.takeDistinct(settings.concurrency), settings.connectTimeoutMs, settings.closeTimeoutMs);
  const toStarted = new LatencyRecorder();
  const toAccepted = new LatencyRecorder();
  const toCompleted = new LatencyRecorder();
  const cold = new LatencyRecorder();
  let minEvents = Number.POSITIVE_INFINITY;
  let maxEvents = 0;
  const deadline = performance.now() + settings.phaseTimeoutMs;
  try {
    // Each connection runs its messages one after another: `concurrency` runs in flight, never a growing backlog.
    await Promise.all(
      sessions.map(async (session) => {
        let lastSend = Number.NEGATIVE_INFINITY;
        const total = settings.warmupRunsPerConnection + settings.runsPerConnection;
        for (let i = 0; i < total && performance.now() < deadline; i += 1) {
          const wait = lastSend + settings.minSendIntervalMs - performance.now();
          if (wait > 0) await delay(wait);
          lastSend = performance.now();
          const run = await session.run(settings.runTimeoutMs);
          if (i === 0) cold.recordMs(run.startedAt - run.sentAt);
          if (i < settings.warmupRunsPerConnection) continue;
          toStarted.recordMs(run.startedAt - run.sentAt);
          toAccepted.recordMs(run.acceptedAt - run.sentAt);
          toCompleted.recordMs(run.completedAt - run.sentAt);
          minEvents = Math.min(minEvents, run.events);
          maxEvents = Math.max(maxEvents, run.events);
        }
      }),
    );
  } finally {
    await closeSessions(sessions, settings.closeTimeoutMs);
  }
  return {
    runs: toStarted.count,
    concurrency: settings.concurrency,
    toAgentStarted: toStarted.summary(),
    toMessageAccepted: toAccepted.summary(),
    toAgentCompleted: toCompleted.summary(),
    coldToAgentStarted: cold.summary(),
    eventsPerRun: { min: minEvents, max: maxEvents },
  };
}

// ───────────────────────────── 4. events per second at 200 concurrent runs ─────────────────────────────

export interface EventRateSettings {
  readonly runs: number;
  readonly rounds: number;
  readonly runTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
}

export interface EventRateRound {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** CPU ms used during the round by each watched process. */
  readonly cpuMs: CpuSample;
}

export interface EventRateResult {
  readonly concurrentRuns: number;
  readonly medianEventsPerSecond: number;
  readonly rounds: EventRateRound[];
  /** user_message sent → agent_completed, every run of every round. */
  readonly runCompletion: LatencySummary;
  readonly toAgentStarted: LatencySummary;
  /** CPU ms per delivered event of each watched process, over all rounds. */
  readonly cpuMsPerEvent: CpuSample;
}

export async function measureEventRate(targets: Targets, users: UserPool, settings: EventRateSettings, log: (line: string) => void): Promise<EventRateResult> {
  const sessions = await openSessions(targets.backend.wsUrl, users.takeDistinct(settings.runs), settings.connectTimeoutMs, settings.closeTimeoutMs);
  const completion = new LatencyRecorder();
  const started = new LatencyRecorder();
  const rounds: EventRateRound[] = [];
  try {
    for (let i = 0; i < settings.rounds; i += 1) {
      const before = targets.cpu.sample();
      const t0 = performance.now();
      // Every connection sends its user_message in the same tick; the clock stops at the last agent_completed.
      const runs: RunObservation[] = await Promise.all(sessions.map((session) => session.run(settings.runTimeoutMs)));
      const t1 = Math.max(...runs.map((run) => run.completedAt));
      const events = runs.reduce((sum, run) => sum + run.events, 0);
      const seconds = (t1 - t0) / 1000;
      const cpuMs = CpuMeter.since(before, targets.cpu.sample());
      for (const run of runs) {
        completion.recordMs(run.completedAt - run.sentAt);
        started.recordMs(run.startedAt - run.sentAt);
      }
      rounds.push({ events, seconds: round3(seconds), eventsPerSecond: round3(events / seconds), cpuMs: cpuPer(cpuMs, 1) });
      log(`  round ${i + 1}/${settings.rounds}: ${events} events from ${runs.length} runs in ${seconds.toFixed(2)} s = ${(events / seconds).toFixed(0)} events/s`);
    }
  } finally {
    await closeSessions(sessions, settings.closeTimeoutMs);
  }
  return {
    concurrentRuns: settings.runs,
    medianEventsPerSecond: medianRate(rounds.map((round) => round.eventsPerSecond)),
    rounds,
    runCompletion: completion.summary(),
    toAgentStarted: started.summary(),
    cpuMsPerEvent: cpuPer(
      rounds.reduce<CpuSample>((total, round) => {
        addCpu(total, round.cpuMs);
        return total;
      }, {}),
      rounds.reduce((sum, round) => sum + round.events, 0),
    ),
  };
}
