/**
 * npm run bench: how fast the backend under test is, next to a bare `ws`
 * server measured in the same run by the same client code.
 *
 *   1. authenticated ready-handshake throughput (JWT upgrade → connection_established → close),
 *      backend vs bare server in alternating rounds; the ratio is the headline (target ≥ 0.85);
 *   2. time to connection_established, p50/p99, with 10, 100 and 500 connections opened at once;
 *   3. user_message → agent_started latency, p50/p99;
 *   4. run events delivered per second with 200 runs going at once;
 *   5. the handshake storm of the seed plan (200 users within a second): ready p50/p99 against 100 ms / 250 ms;
 *   6. capacity: authenticated idle connections one instance holds (a ramp to 10,000, file limits raised),
 *      RSS per connection, time to connection_established and a run's timing at 1,000 / 5,000 / 10,000 held.
 *
 *   npm run bench [-- --capacity N] [--only storm,capacity]
 *
 * Launches everything itself on 127.0.0.1 (throwaway PostgreSQL and Redis, the
 * reference backend or GOLDEN_PATH_BACKEND_CMD with AGENT_STEP_DELAY_MS=0, the
 * bare server), prints a table, writes reports/bench.json, and stops it all
 * again, also on failure, Ctrl-C or its own hard time limit. It prints figures
 * and never judges them: the exit code is non-zero only when the bench could
 * not run or a connection or run failed outright.
 */
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { TokenMinter } from '../support/auth/token-minter';
import { newUserId } from '../support/domain/ids';
import { PROJECT_ROOT } from '../support/target/target-config';
import { cpus } from 'node:os';
import { CpuMeter, findProcess, othersMs, postmasterOn, redisServerOn, type CpuSample } from './bench/cpu';
import { Cleanup, benchTargetConfig, startBenchEnvironment, waitUntilIdle, type BenchEnvironment } from './bench/environment';
import {
  UserPool,
  measureConnectBursts,
  measureEventRate,
  measureHandshakeThroughput,
  measureMessageLatency,
  type BenchUser,
  type BurstSettings,
  type EventRateSettings,
  type MessageLatencySettings,
  type ThroughputSettings,
} from './bench/phases';
import { formatReport, machineInfo, writeReport, RATIO_TARGET, type BenchReport, type BenchResults } from './bench/report';
import { STORM_TARGET, measureCapacity, measureStorm, type CapacitySettings, type StormSettings } from './bench/capacity';

const REPORT_PATH = join(PROJECT_ROOT, 'reports', 'bench.json');
/** The whole bench, setup and cleanup included, is stopped after this long whatever happens. */
const HARD_LIMIT_MS = 360_000;

const PHASES = ['throughput', 'bursts', 'messages', 'events', 'storm', 'capacity'] as const;
type Phase = (typeof PHASES)[number];

interface BenchOptions {
  readonly phases: ReadonlySet<Phase>;
  readonly capacity: number;
}

function parseOptions(argv: readonly string[]): BenchOptions {
  let phases = new Set<Phase>(PHASES);
  let capacity = 10_000;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const [name, inline] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, undefined];
    const value = inline ?? argv[++i];
    if (name === '--capacity') {
      capacity = Number(value);
      if (!Number.isInteger(capacity) || capacity < 1 || capacity > 50_000) throw new Error(`--capacity needs a whole number of connections from 1 to 50,000, got ${String(value)}`);
    } else if (name === '--only') {
      const wanted = String(value).split(',').map((p) => p.trim());
      const unknown = wanted.filter((p) => !(PHASES as readonly string[]).includes(p));
      if (unknown.length > 0) throw new Error(`--only: unknown phase ${unknown.join(', ')} (phases: ${PHASES.join(', ')})`);
      phases = new Set(wanted as Phase[]);
    } else {
      throw new Error(`unknown option ${arg}; usage: npm run bench -- [--capacity N] [--only ${PHASES.join(',')}]`);
    }
  }
  return { phases, capacity };
}

const STORM: StormSettings = { rounds: 5, handshakeTimeoutMs: 10_000 };

const capacitySettings = (target: number): CapacitySettings => ({
  target,
  levels: [1_000, 5_000, 10_000],
  rampConcurrency: 64,
  connectTimeoutMs: 15_000,
  probes: 200,
  probeConcurrency: 4,
  runs: 30,
  runSessions: 3,
  runTimeoutMs: 15_000,
});
/** Held connections per user: under the protocol's 10 per user and instance. */
const CAPACITY_CONNECTIONS_PER_USER = 8;

/** Above this share of the machine's CPU used by processes the bench did not start, it warns that figures are noisy. */
const NOISY_SHARE = 0.1;

const roundCpu = (sample: CpuSample): CpuSample => Object.fromEntries(Object.entries(sample).map(([name, ms]) => [name, Math.round(ms)]));

const USERS = 1_000;
const TOKEN_LIFETIME_S = 3_600;

const THROUGHPUT: ThroughputSettings = {
  concurrency: 100,
  rounds: 7,
  roundMs: 1_500,
  warmupRounds: 3,
  warmupMs: 1_500,
  maxHandshakesPerRound: 50_000,
  handshakeTimeoutMs: 10_000,
};

const BURSTS: BurstSettings = {
  levels: [
    { connections: 10, bursts: 20 },
    { connections: 100, bursts: 4 },
    { connections: 500, bursts: 2 },
  ],
  connectTimeoutMs: 15_000,
  closeTimeoutMs: 5_000,
};

const MESSAGES: MessageLatencySettings = {
  concurrency: 10,
  runsPerConnection: 30,
  minSendIntervalMs: 70, // ≤ 15 frames per second per connection, under the protocol's limit of 20
  warmupRunsPerConnection: 2,
  phaseTimeoutMs: 20_000,
  runTimeoutMs: 15_000,
  connectTimeoutMs: 10_000,
  closeTimeoutMs: 5_000,
};

const EVENTS: EventRateSettings = {
  runs: 200,
  rounds: 3,
  runTimeoutMs: 30_000,
  connectTimeoutMs: 15_000,
  closeTimeoutMs: 5_000,
};

const log = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error && !error.message.includes(error.cause.message) ? `${error.message} (${error.cause.message})` : error.message;
}

/** Who uses the CPU: the two servers, Redis, PostgreSQL (the postmaster and its connections) and this client. */
function cpuMeter(env: BenchEnvironment): CpuMeter {
  const redisPort = new URL(env.redis.url).port;
  const postgresPort = new URL(env.postgres.url).port;
  return new CpuMeter({
    backend: { pid: env.backend.process.pid },
    bare: { pid: env.barePid },
    redis: { pid: redisPort === '' ? undefined : findProcess(redisServerOn(redisPort)) },
    postgres: { pid: postgresPort === '' ? undefined : findProcess(postmasterOn(postgresPort)), tree: true },
  });
}

/** Why a measurement failed is often that a server died: say so, with its last words. */
async function serverStatus(env: BenchEnvironment | undefined): Promise<string> {
  if (env === undefined) return '';
  // A refused connection may arrive just before the exit event: give it a moment.
  await Promise.race([env.backend.process.exited, delay(500)]);
  if (!env.backend.process.hasExited) return '';
  const output = [env.backend.process.stderr().trim(), env.backend.process.stdout().trim()].filter(Boolean).join('\n').slice(-1_500);
  return `\nThe backend process had exited (code ${String(env.backend.process.exitCode)}${env.backend.process.exitCode === null ? ', killed by a signal' : ''}). ${output === '' ? 'It printed nothing.' : `Its last output:\n${output}`}`;
}

async function run(options: BenchOptions, cleanup: Cleanup, startedAt: number, started: (env: BenchEnvironment) => void): Promise<void> {
  const config = benchTargetConfig();
  log(`starting PostgreSQL, Redis, the bare ws server and ${config.commandLabel} ...`);
  const env = await startBenchEnvironment(config, cleanup, log);
  started(env);

  // Outside every timed section: one token per user, many users, so the 10-connections-per-user limit never bites.
  const minter = TokenMinter.withSecret(env.jwt.secret, env.jwt.issuer, env.jwt.audience);
  const users: BenchUser[] = Array.from({ length: USERS }, (_, i) => {
    const userId = newUserId(`bench${i}`);
    return { userId, token: minter.forUser(userId, { permissions: ['read', 'write'], expiresInSeconds: TOKEN_LIFETIME_S }) };
  });
  const pool = new UserPool(users);
  const targets = { backend: env.backend, bareWsUrl: env.bareWsUrl, cpu: cpuMeter(env) };
  const cpuAtStart = targets.cpu.sample();
  const measureStarted = performance.now();

  const only = (phase: Phase): boolean => options.phases.has(phase);
  const results: { -readonly [K in keyof BenchResults]: BenchResults[K] } = {};
  if (only('throughput')) {
    log(`1/6 ready-handshake throughput, concurrency ${THROUGHPUT.concurrency}, ${THROUGHPUT.rounds} rounds per server`);
    results.handshakeThroughput = await measureHandshakeThroughput(targets, pool, THROUGHPUT, log);
  }
  if (only('bursts')) {
    log(`2/6 time to connection_established at ${BURSTS.levels.map((level) => level.connections).join(', ')} connections at once`);
    results.timeToConnectionEstablished = await measureConnectBursts(targets, pool, BURSTS, log);
  }
  if (only('messages')) {
    log(`3/6 user_message → agent_started, ${MESSAGES.concurrency} connections × ${MESSAGES.runsPerConnection} runs`);
    results.userMessageToAgentStarted = await measureMessageLatency(targets, pool, MESSAGES);
    await waitUntilIdle(env.backend);
  }
  if (only('events')) {
    log(`4/6 run events per second at ${EVENTS.runs} concurrent runs`);
    results.eventsPerSecond = await measureEventRate(targets, pool, EVENTS, log);
  }
  if (only('storm')) {
    await waitUntilIdle(env.backend);
    log(`5/6 handshake storm: ${STORM_TARGET.users} users within ${STORM_TARGET.withinMs} ms, ${STORM.rounds} rounds`);
    results.handshakeStorm = await measureStorm(targets, users, STORM, log);
  }
  if (only('capacity')) {
    await waitUntilIdle(env.backend, 15_000);
    const capacityUsers: BenchUser[] = Array.from({ length: Math.ceil(options.capacity / CAPACITY_CONNECTIONS_PER_USER) }, (_, i) => {
      const userId = newUserId(`held${i}`);
      return { userId, token: minter.forUser(userId, { permissions: ['read', 'write'], expiresInSeconds: TOKEN_LIFETIME_S }) };
    });
    log(`6/6 capacity: ramp to ${options.capacity.toLocaleString('en-US')} idle authenticated connections on one instance`);
    results.capacity = await measureCapacity(targets, capacityUsers, users.slice(0, 50), capacitySettings(options.capacity), log);
    await waitUntilIdle(env.backend, 60_000);
  }

  const now = performance.now();
  const cpuUsed = CpuMeter.since(cpuAtStart, targets.cpu.sample());
  const measureSeconds = (now - measureStarted) / 1000;
  const others = othersMs(cpuUsed);
  const othersShare = others === undefined ? undefined : others / (measureSeconds * 1000 * cpus().length);
  if (othersShare !== undefined && othersShare > NOISY_SHARE) {
    log(
      `WARNING: processes the bench did not start used ${(othersShare * 100).toFixed(0)} % of the machine's CPU while it measured: ` +
        'the absolute figures are noisy (the interleaved ratio less so)',
    );
  }
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    target: { command: config.command, label: config.commandLabel },
    machine: {
      ...machineInfo(),
      cpuMsDuringMeasurement: roundCpu(cpuUsed),
      otherProcessesCpuShare: othersShare === undefined ? null : Math.round(othersShare * 1000) / 1000,
    },
    settings: {
      host: '127.0.0.1',
      agentStepDelayMs: 0,
      users: USERS,
      ratioTarget: RATIO_TARGET,
      tokenPresentation: 'Authorization: Bearer header',
      throughput: THROUGHPUT,
      bursts: BURSTS,
      messages: MESSAGES,
      events: EVENTS,
      storm: { ...STORM_TARGET, ...STORM },
      capacity: { ...capacitySettings(options.capacity), connectionsPerUser: CAPACITY_CONNECTIONS_PER_USER },
      phases: [...options.phases],
      percentiles: 'hdr-histogram-js, microsecond resolution, 3 significant digits',
      cpu: targets.cpu.available ? 'utime+stime from /proc (10 ms ticks); postgres = postmaster + its children' : 'client only (no /proc)',
      bareServer: 'ws WebSocketServer in its own Node process: on connection sends one ~150-byte JSON frame; no auth, no storage',
    },
    results,
    timing: {
      setupSeconds: Math.round(env.setupSeconds * 10) / 10,
      measureSeconds: Math.round(measureSeconds * 10) / 10,
      totalSeconds: Math.round(((now - startedAt) / 1000) * 10) / 10,
    },
  };
  writeReport(REPORT_PATH, report);
  process.stdout.write(`${formatReport(report)}\nwrote ${REPORT_PATH}\n`);
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    log(describe(error));
    return 2;
  }
  const cleanup = new Cleanup();
  let abandoned: { why: string; code: number } | undefined;
  const abandon = (why: string, code: number): void => {
    if (abandoned !== undefined) return;
    abandoned = { why, code };
    log(`${why}; stopping everything the bench started`);
    void cleanup.run().then((failures) => {
      for (const failure of failures) log(failure);
      log(`stopped: ${why}`);
      process.exit(code);
    });
  };
  const watchdog = setTimeout(() => abandon(`the bench did not finish within its hard limit of ${HARD_LIMIT_MS / 1000} s`, 1), HARD_LIMIT_MS);
  watchdog.unref();
  process.once('SIGINT', () => abandon('interrupted (SIGINT)', 130));
  process.once('SIGTERM', () => abandon('terminated (SIGTERM)', 143));

  let code = 0;
  let env: BenchEnvironment | undefined;
  try {
    await run(options, cleanup, startedAt, (started) => {
      env = started;
    });
  } catch (error) {
    // After an interruption, failures are the consequence of stopping the servers, not findings.
    if (abandoned === undefined) log(`FAILED, no figures: ${describe(error)}${await serverStatus(env)}`);
    code = abandoned?.code ?? 1;
  } finally {
    clearTimeout(watchdog);
    const failures = await cleanup.run();
    for (const failure of failures) log(failure);
    if (failures.length > 0) code = 1;
  }
  log(`done in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: crashed: ${describe(error)}\n`);
    process.exit(1);
  },
);
