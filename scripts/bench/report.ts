/** The printed table and reports/bench.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { CapacityResult, StormResult } from './capacity';
import type { BurstLevelResult, EventRateResult, MessageLatencyResult, ThroughputResult } from './phases';
import type { LatencySummary } from './stats';

export const RATIO_TARGET = 0.85;
/** Issue 15's goals for an instance holding 10,000 idle connections: printed beside the figures, never judged. */
export const CAPACITY_GOALS = { rssPerConnectionKb: 30, readyP99Ms: 250 } as const;

/** Every phase but the ones left out with --only. */
export interface BenchResults {
  readonly handshakeThroughput?: ThroughputResult;
  readonly timeToConnectionEstablished?: BurstLevelResult[];
  readonly userMessageToAgentStarted?: MessageLatencyResult;
  readonly eventsPerSecond?: EventRateResult;
  readonly handshakeStorm?: StormResult;
  readonly capacity?: CapacityResult;
}

export interface BenchReport {
  readonly generatedAt: string;
  readonly target: { readonly command: string; readonly label: string };
  readonly machine: Record<string, unknown>;
  readonly settings: Record<string, unknown>;
  readonly results: BenchResults;
  readonly timing: { readonly setupSeconds: number; readonly measureSeconds: number; readonly totalSeconds: number };
}

export function machineInfo(): Record<string, unknown> {
  const cpuList = cpus();
  return {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

export function writeReport(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;
const rate = (value: number): string => Math.round(value).toLocaleString('en-US');

function table(rows: string[][]): string {
  const widths = rows.reduce<number[]>((acc, row) => row.map((cell, i) => Math.max(acc[i] ?? 0, cell.length)), []);
  return rows.map((row) => '  ' + row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('   ')).join('\n');
}

const cpuCell = (sample: Record<string, number>, name: string): string => (sample[name] === undefined ? 'n/a' : sample[name].toFixed(3));

const latencyRow = (label: string, summary: LatencySummary): string[] => [label, ms(summary.p50Ms), ms(summary.p99Ms), ms(summary.maxMs), String(summary.samples)];

export function formatReport(report: BenchReport): string {
  const { handshakeThroughput: hs, timeToConnectionEstablished: bursts, userMessageToAgentStarted: msg, eventsPerSecond: ev, handshakeStorm: storm, capacity } = report.results;
  const settings = report.settings as { throughput: { concurrency: number; rounds: number; roundMs: number } };
  const lines: string[] = [];
  lines.push('');
  lines.push(`Golden Path bench: ${report.target.label} vs a bare ws server, 127.0.0.1, ${String(report.machine.cpus)} CPUs, Node ${String(report.machine.node)}`);
  lines.push('');
  if (hs !== undefined) formatThroughput(lines, hs, settings);
  if (bursts !== undefined) formatBursts(lines, bursts);
  if (msg !== undefined) formatMessages(lines, msg);
  if (ev !== undefined) formatEvents(lines, ev);
  if (storm !== undefined) formatStorm(lines, storm);
  if (capacity !== undefined) formatCapacity(lines, capacity, [hs, bursts, msg, ev, storm].some((phase) => phase !== undefined));
  const others = report.machine.otherProcessesCpuShare;
  if (typeof others === 'number') {
    lines.push(`Processes the bench did not start used ${(others * 100).toFixed(0)} % of the machine's CPU while it measured${others > 0.1 ? ': NOISY, rerun on a quiet machine' : ''}.`);
  }
  lines.push(
    `setup ${report.timing.setupSeconds.toFixed(1)} s, measuring ${report.timing.measureSeconds.toFixed(1)} s, total ${report.timing.totalSeconds.toFixed(1)} s`,
  );
  return lines.join('\n');
}

function formatThroughput(lines: string[], hs: ThroughputResult, settings: { throughput: { concurrency: number; rounds: number; roundMs: number } }): void {
  const verdict = hs.ratio >= RATIO_TARGET ? 'meets the target' : 'BELOW the target';
  lines.push(
    `Ready-handshake throughput (JWT upgrade → connection_established → close), concurrency ${settings.throughput.concurrency}, ` +
      `${settings.throughput.rounds} alternating rounds of ${(settings.throughput.roundMs / 1000).toFixed(1)} s each, medians`,
  );
  lines.push(
    table([
      ['', 'handshakes/s', 'rounds', 'ready p50', 'ready p99', 'CPU ms/handshake: server', 'redis', 'client'],
      [
        'bare ws server',
        rate(hs.bare.medianPerSecond),
        hs.bare.rounds.map(rate).join(' '),
        ms(hs.bare.readyLatency.p50Ms),
        ms(hs.bare.readyLatency.p99Ms),
        cpuCell(hs.bare.cpuMsPerHandshake, 'bare'),
        cpuCell(hs.bare.cpuMsPerHandshake, 'redis'),
        cpuCell(hs.bare.cpuMsPerHandshake, 'client'),
      ],
      [
        'backend',
        rate(hs.backend.medianPerSecond),
        hs.backend.rounds.map(rate).join(' '),
        ms(hs.backend.readyLatency.p50Ms),
        ms(hs.backend.readyLatency.p99Ms),
        cpuCell(hs.backend.cpuMsPerHandshake, 'backend'),
        cpuCell(hs.backend.cpuMsPerHandshake, 'redis'),
        cpuCell(hs.backend.cpuMsPerHandshake, 'client'),
      ],
    ]),
  );
  lines.push(`  RATIO backend/bare: ${hs.ratio.toFixed(3)}   target ≥ ${RATIO_TARGET}: ${verdict}`);
  lines.push(`  (per-pair ratios ${hs.pairRatios.map((r) => r.toFixed(2)).join(' ')}; their median ${hs.medianPairRatio.toFixed(3)})`);
  if (hs.cpuCostRatio !== null) {
    lines.push(`  (ratio the measured CPU cost per handshake predicts for an idle machine: ${hs.cpuCostRatio.toFixed(3)}; steadier when the machine is busy)`);
  }
  lines.push('');
}

function formatBursts(lines: string[], bursts: BurstLevelResult[]): void {
  lines.push('Time to connection_established, N connections opened at once');
  lines.push(
    table([
      ['', 'p50', 'p99', 'max', 'samples'],
      ...bursts.flatMap((level) => [
        latencyRow(`backend  N=${level.connections}`, level.backend),
        latencyRow(`  (bare  N=${level.connections})`, level.bare),
      ]),
    ]),
  );
  lines.push('');
}

function formatMessages(lines: string[], msg: MessageLatencyResult): void {
  lines.push(
    `user_message → agent_started (${msg.runs} runs after a warm-up, ${msg.concurrency} connections sending one at a time, ` +
      `${msg.eventsPerRun.min}–${msg.eventsPerRun.max} events per run)`,
  );
  lines.push(
    table([
      ['', 'p50', 'p99', 'max', 'samples'],
      latencyRow('→ agent_started', msg.toAgentStarted),
      latencyRow('  (→ message_accepted)', msg.toMessageAccepted),
      latencyRow('  (→ agent_completed)', msg.toAgentCompleted),
      latencyRow('  (cold: 1st on a connection)', msg.coldToAgentStarted),
    ]),
  );
  lines.push('');
}

function formatEvents(lines: string[], ev: EventRateResult): void {
  lines.push(`Run events delivered at ${ev.concurrentRuns} concurrent runs (${ev.rounds.length} rounds, median)`);
  lines.push(
    table([
      ['', 'value'],
      ['events/s', rate(ev.medianEventsPerSecond)],
      ['rounds (events/s)', ev.rounds.map((round) => rate(round.eventsPerSecond)).join(' ')],
      ['rounds (wall s)', ev.rounds.map((round) => round.seconds.toFixed(2)).join(' ')],
      ['run completion p50 / p99', `${ms(ev.runCompletion.p50Ms)} / ${ms(ev.runCompletion.p99Ms)}`],
      ['→ agent_started p50 / p99', `${ms(ev.toAgentStarted.p50Ms)} / ${ms(ev.toAgentStarted.p99Ms)}`],
      [
        'CPU ms/event',
        ['backend', 'postgres', 'redis', 'client'].map((name) => `${name} ${cpuCell(ev.cpuMsPerEvent, name)}`).join(', '),
      ],
    ]),
  );
  lines.push('');
}

function formatStorm(lines: string[], storm: StormResult): void {
  const mark = (ok: boolean): string => (ok ? 'meets' : 'MISSES');
  lines.push(`Handshake storm: ${storm.users} users connecting within ${(storm.withinMs / 1000).toFixed(1)} s, ${storm.rounds} rounds (the seed plan's targets)`);
  lines.push(
    table([
      ['', 'measured', 'target', ''],
      ['ready p50', ms(storm.ready.p50Ms), ms(storm.target.readyP50Ms), mark(storm.meetsP50)],
      ['ready p99', ms(storm.ready.p99Ms), ms(storm.target.readyP99Ms), mark(storm.meetsP99)],
      ['failed handshakes', String(storm.failures), '0', storm.failures === 0 ? '' : String(storm.firstFailure)],
    ]),
  );
  lines.push('');
}

function formatCapacity(lines: string[], capacity: CapacityResult, afterOtherPhases: boolean): void {
  lines.push(
    `Capacity: authenticated idle connections one instance holds — ${capacity.held.toLocaleString('en-US')} of the ${capacity.target.toLocaleString('en-US')} asked for` +
      (capacity.reachedTarget ? '' : ` (STOPPED: ${String(capacity.stoppedBecause)})`),
  );
  lines.push(`  open-files limit: client ${capacity.fdLimits.client}; backend ${capacity.fdLimits.backend}; from ${capacity.sourceAddresses.length} source addresses`);
  lines.push(
    table([
      ['held', 'backend RSS', 'RSS/connection', 'fds', 'ready p50', 'ready p99', 'run → started p50', 'p99', 'run → completed p99'],
      ...capacity.levels.map((level) => [
        level.held.toLocaleString('en-US'),
        level.backendRssMb === null ? 'n/a' : `${level.backendRssMb} MB`,
        level.rssPerConnectionKb === null ? 'n/a' : `${level.rssPerConnectionKb} KiB`,
        String(level.backendFds ?? 'n/a'),
        ms(level.timeToConnectionEstablished.p50Ms),
        ms(level.timeToConnectionEstablished.p99Ms),
        level.run === null ? 'n/a' : ms(level.run.toAgentStarted.p50Ms),
        level.run === null ? 'n/a' : ms(level.run.toAgentStarted.p99Ms),
        level.run === null ? 'n/a' : ms(level.run.toAgentCompleted.p99Ms),
      ]),
    ]),
  );
  lines.push(`  (baseline RSS with none held: ${String(capacity.baselineRssMb)} MB; ${capacity.users} users × up to ${capacity.connectionsPerUser} connections each)`);
  if (afterOtherPhases) {
    lines.push('  (the backend ran the earlier phases first: memory they left free is reused, so RSS per connection reads low; `--only capacity` measures a fresh process)');
  }
  const top = capacity.levels.at(-1);
  if (top !== undefined) {
    const perConnection = top.rssPerConnectionKb;
    lines.push(
      `  goals at ${top.held.toLocaleString('en-US')} held: RSS per connection ≤ ${CAPACITY_GOALS.rssPerConnectionKb} KiB — ${perConnection === null ? 'n/a' : perConnection <= CAPACITY_GOALS.rssPerConnectionKb ? 'meets' : 'MISSES'}; ` +
        `ready p99 ≤ ${CAPACITY_GOALS.readyP99Ms} ms — ${top.timeToConnectionEstablished.p99Ms <= CAPACITY_GOALS.readyP99Ms ? 'meets' : 'MISSES'}`,
    );
  }
  lines.push('');
}
