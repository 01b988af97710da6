/**
 * Two measurements at the edge of capacity:
 *
 * - the handshake storm of the seed plan (200 users connecting within a
 *   second, spread evenly), its time to connection_established p50/p99 next
 *   to the seed plan's targets of 100 ms / 250 ms;
 * - how many authenticated, idle connections one instance holds: a ramp to
 *   the target (10,000), the file-descriptor limits of both processes raised
 *   as far as they may be; at 1,000 / 5,000 / 10,000 held, the backend's RSS
 *   (and so RSS per connection), its open fds, the time to
 *   connection_established of new handshakes, and a few runs' timing figures.
 *
 * Loopback clients are spread over several source addresses (127.0.0.2,
 * 127.0.0.3, …) when the ephemeral port range could run short.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import { presentToken } from '../../support/auth/credentials';
import { untilEstablished } from '../lib/established';
import { fdLimit, fdTotal, raiseFdLimit, treeFdKinds, treeRssBytes, type FdKinds } from '../lib/proc-stats';
import { ChatSession, readyHandshake } from './client';
import { openConnections } from './environment';
import type { BenchUser, Targets } from './phases';
import { LatencyRecorder, round3, type LatencySummary } from './stats';

// ───────────────────────────── the handshake storm ─────────────────────────────

/** The seed plan's storm and its targets (moved here from the scenarios' profile). */
export const STORM_TARGET = { users: 200, withinMs: 1_000, readyP50Ms: 100, readyP99Ms: 250 } as const;

export interface StormSettings {
  readonly rounds: number;
  readonly handshakeTimeoutMs: number;
}

export interface StormResult {
  readonly users: number;
  readonly withinMs: number;
  readonly rounds: number;
  readonly ready: LatencySummary;
  readonly failures: number;
  readonly firstFailure: string | null;
  readonly target: typeof STORM_TARGET;
  readonly meetsP50: boolean;
  readonly meetsP99: boolean;
}

/** Each round: STORM_TARGET.users ready handshakes started evenly over withinMs, all distinct users. */
export async function measureStorm(targets: Targets, users: readonly BenchUser[], settings: StormSettings, log: (line: string) => void): Promise<StormResult> {
  const ready = new LatencyRecorder();
  let failures = 0;
  let firstFailure: string | null = null;
  for (let round = 0; round < settings.rounds; round += 1) {
    const started = performance.now();
    const spacing = STORM_TARGET.withinMs / STORM_TARGET.users;
    const handshakes = Array.from({ length: STORM_TARGET.users }, async (_, i) => {
      const due = started + i * spacing - performance.now();
      if (due > 0) await delay(due);
      const user = users[(round * STORM_TARGET.users + i) % users.length] as BenchUser;
      try {
        ready.recordMs(await readyHandshake(targets.backend.wsUrl, user.token, settings.handshakeTimeoutMs));
      } catch (error) {
        failures += 1;
        firstFailure ??= error instanceof Error ? error.message : String(error);
      }
    });
    await Promise.all(handshakes);
    log(`  storm ${round + 1}/${settings.rounds}: ${STORM_TARGET.users} handshakes in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  }
  const summary = ready.summary();
  return {
    users: STORM_TARGET.users,
    withinMs: STORM_TARGET.withinMs,
    rounds: settings.rounds,
    ready: summary,
    failures,
    firstFailure,
    target: STORM_TARGET,
    meetsP50: summary.p50Ms <= STORM_TARGET.readyP50Ms,
    meetsP99: summary.p99Ms <= STORM_TARGET.readyP99Ms,
  };
}

// ───────────────────────────── capacity: idle connections held ─────────────────────────────

export interface CapacitySettings {
  readonly target: number;
  /** Where figures are taken on the way up (the target is always one). */
  readonly levels: readonly number[];
  /** Handshakes in flight while ramping. */
  readonly rampConcurrency: number;
  readonly connectTimeoutMs: number;
  /** New ready handshakes measured at each level (closed again at once), `probeConcurrency` at a time. */
  readonly probes: number;
  readonly probeConcurrency: number;
  /** Runs measured at each level, one after another on `runSessions` connections of their own. */
  readonly runs: number;
  readonly runSessions: number;
  readonly runTimeoutMs: number;
}

export interface CapacityLevel {
  readonly held: number;
  readonly rampSeconds: number;
  readonly backendRssMb: number | null;
  /** (RSS now − RSS with none held) / held, in KiB. */
  readonly rssPerConnectionKb: number | null;
  readonly backendFds: number | null;
  readonly backendFdKinds: FdKinds | null;
  readonly healthConnections: number;
  readonly clientRssMb: number;
  /** Start of the connect → connection_established of new handshakes while `held` are open. */
  readonly timeToConnectionEstablished: LatencySummary;
  readonly run: { readonly toAgentStarted: LatencySummary; readonly toAgentCompleted: LatencySummary } | null;
}

export interface CapacityResult {
  readonly target: number;
  /** Connections held at the end of the ramp: the target, or where the ramp stopped. */
  readonly held: number;
  readonly reachedTarget: boolean;
  readonly stoppedBecause: string | null;
  readonly baselineRssMb: number | null;
  readonly levels: CapacityLevel[];
  readonly fdLimits: { readonly client: string; readonly backend: string };
  readonly sourceAddresses: string[];
  readonly ephemeralPorts: number | null;
  readonly users: number;
  readonly connectionsPerUser: number;
}

const mb = (bytes: number | undefined): number | null => (bytes === undefined ? null : Math.round((bytes / 2 ** 20) * 10) / 10);

function ephemeralPortCount(): number | null {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low !== undefined && high !== undefined ? high - low + 1 : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Enough loopback source addresses that no one of them needs more than half the ephemeral ports. */
export function sourceAddresses(connections: number, ports: number | null): string[] {
  const perAddress = Math.max(1_000, Math.floor((ports ?? 28_000) / 2));
  const count = Math.min(250, Math.max(1, Math.ceil(connections / perAddress)) + 1);
  return Array.from({ length: count }, (_, i) => `127.0.0.${i + 2}`);
}

function describeLimit(before: ReturnType<typeof fdLimit>, outcome: ReturnType<typeof raiseFdLimit>): string {
  const after = outcome.limit;
  const text = (l: ReturnType<typeof fdLimit>): string => (l === undefined ? 'unknown' : `${l.soft} (hard ${l.hard})`);
  return `${text(before)}${after !== undefined && before !== undefined && after.soft !== before.soft ? ` → ${text(after)}` : ''}${outcome.problem === undefined ? '' : `; ${outcome.problem}`}`;
}

/** One idle, authenticated connection: connected, connection_established received, then nothing. */
async function hold(url: string, token: string, localAddress: string, timeoutMs: number): Promise<WebSocket> {
  const { headers } = presentToken(token, 'header');
  const ws = new WebSocket(url, { headers, localAddress, perMessageDeflate: false, handshakeTimeout: timeoutMs, followRedirects: false });
  await untilEstablished(ws, timeoutMs, (reason) => new Error(`${reason} (from ${localAddress})`));
  return ws;
}

export async function measureCapacity(targets: Targets, users: readonly BenchUser[], runUsers: readonly BenchUser[], settings: CapacitySettings, log: (line: string) => void): Promise<CapacityResult> {
  const backendPid = targets.backend.process.pid;
  // Both ends hold one descriptor per connection, plus what they had; ask for twice the target to be safe.
  const wanted = settings.target * 2 + 1_000;
  const clientBefore = fdLimit(process.pid);
  const clientLimit = raiseFdLimit(process.pid, wanted);
  const backendBefore = backendPid === undefined ? undefined : fdLimit(backendPid);
  const backendLimit = backendPid === undefined ? { limit: undefined, problem: 'no backend pid' } : raiseFdLimit(backendPid, wanted);
  const fdLimits = { client: describeLimit(clientBefore, clientLimit), backend: describeLimit(backendBefore, backendLimit) };
  log(`  open-files limit: this client ${fdLimits.client}; backend ${fdLimits.backend}`);
  const ports = ephemeralPortCount();
  const addresses = sourceAddresses(settings.target, ports);
  log(`  ${ports ?? 'unknown'} ephemeral ports per source address: connecting from ${addresses.join(', ')}`);

  const perUser = Math.ceil(settings.target / users.length);
  const baselineRss = backendPid === undefined ? undefined : treeRssBytes(backendPid);
  const held: WebSocket[] = [];
  const levels: CapacityLevel[] = [];
  const ramp: { stoppedBecause: string | null } = { stoppedBecause: null };
  const levelTargets = [...new Set([...settings.levels.filter((level) => level < settings.target), settings.target])];
  const wsUrl = targets.backend.wsUrl;
  try {
    for (const level of levelTargets) {
      const rampStarted = performance.now();
      let next = held.length;
      const worker = async (): Promise<void> => {
        while (next < level && ramp.stoppedBecause === null) {
          const index = next++;
          const user = users[Math.floor(index / perUser) % users.length] as BenchUser;
          try {
            held.push(await hold(wsUrl, user.token, addresses[index % addresses.length] as string, settings.connectTimeoutMs));
          } catch (error) {
            ramp.stoppedBecause ??= `connection ${index + 1} failed: ${error instanceof Error ? error.message : String(error)}`;
          }
        }
      };
      await Promise.all(Array.from({ length: settings.rampConcurrency }, worker));
      const rampSeconds = (performance.now() - rampStarted) / 1000;
      if (ramp.stoppedBecause !== null) {
        log(`  the ramp stopped at ${held.length} held: ${ramp.stoppedBecause}`);
        break;
      }
      levels.push(await measureLevel(targets, held.length, rampSeconds, baselineRss, runUsers, settings, log));
    }
  } finally {
    log(`  closing ${held.length} connections`);
    for (let i = 0; i < held.length; i += 1_000) {
      await Promise.all(
        held.slice(i, i + 1_000).map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === WebSocket.CLOSED) return resolve();
              const timer = setTimeout(() => {
                ws.terminate();
                resolve();
              }, 5_000);
              ws.once('close', () => {
                clearTimeout(timer);
                resolve();
              });
              ws.close(1000);
            }),
        ),
      );
    }
  }
  return {
    target: settings.target,
    held: levels.at(-1)?.held ?? held.length,
    reachedTarget: ramp.stoppedBecause === null && levels.at(-1)?.held === settings.target,
    stoppedBecause: ramp.stoppedBecause,
    baselineRssMb: mb(baselineRss),
    levels,
    fdLimits,
    sourceAddresses: addresses,
    ephemeralPorts: ports,
    users: users.length,
    connectionsPerUser: perUser,
  };
}

async function measureLevel(
  targets: Targets,
  held: number,
  rampSeconds: number,
  baselineRss: number | undefined,
  runUsers: readonly BenchUser[],
  settings: CapacitySettings,
  log: (line: string) => void,
): Promise<CapacityLevel> {
  const backendPid = targets.backend.process.pid;
  const healthConnections = await openConnections(targets.backend);
  const rss = backendPid === undefined ? undefined : treeRssBytes(backendPid);
  const kinds = backendPid === undefined ? undefined : treeFdKinds(backendPid, { servedPorts: new Set([targets.backend.port]) });

  const ready = new LatencyRecorder();
  let probed = 0;
  const probe = async (): Promise<void> => {
    while (probed < settings.probes) {
      const user = runUsers[probed++ % runUsers.length] as BenchUser;
      ready.recordMs(await readyHandshake(targets.backend.wsUrl, user.token, settings.connectTimeoutMs));
    }
  };
  await Promise.all(Array.from({ length: settings.probeConcurrency }, probe));

  let run: CapacityLevel['run'] = null;
  if (settings.runs > 0) {
    const sessions = await Promise.all(runUsers.slice(0, settings.runSessions).map((user) => ChatSession.open(targets.backend.wsUrl, user.userId, user.token, settings.connectTimeoutMs)));
    const started = new LatencyRecorder();
    const completed = new LatencyRecorder();
    try {
      let done = 0;
      await Promise.all(
        sessions.map(async (session) => {
          while (done < settings.runs) {
            done += 1;
            const observed = await session.run(settings.runTimeoutMs);
            started.recordMs(observed.startedAt - observed.sentAt);
            completed.recordMs(observed.completedAt - observed.sentAt);
            await delay(60); // under the protocol's 20 frames a second per connection
          }
        }),
      );
    } finally {
      await Promise.all(sessions.map((session) => session.close(5_000)));
    }
    run = { toAgentStarted: started.summary(), toAgentCompleted: completed.summary() };
  }
  const level: CapacityLevel = {
    held,
    rampSeconds: round3(rampSeconds),
    backendRssMb: mb(rss),
    rssPerConnectionKb: rss === undefined || baselineRss === undefined ? null : Math.round(((rss - baselineRss) / held / 1024) * 10) / 10,
    backendFds: kinds === undefined ? null : fdTotal(kinds),
    backendFdKinds: kinds ?? null,
    healthConnections,
    clientRssMb: mb(process.memoryUsage().rss) as number,
    timeToConnectionEstablished: ready.summary(),
    run,
  };
  log(
    `  ${held} held (ramp ${rampSeconds.toFixed(1)} s): backend RSS ${String(level.backendRssMb)} MB (${String(level.rssPerConnectionKb)} KiB/connection), ` +
      `fds ${String(level.backendFds)}, /health ${healthConnections}; new handshakes p50 ${level.timeToConnectionEstablished.p50Ms.toFixed(1)} ms ` +
      `p99 ${level.timeToConnectionEstablished.p99Ms.toFixed(1)} ms${run === null ? '' : `; runs → agent_started p50 ${run.toAgentStarted.p50Ms.toFixed(1)} ms p99 ${run.toAgentStarted.p99Ms.toFixed(1)} ms`}`,
  );
  return level;
}
