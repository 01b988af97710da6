/**
 * npm run soak [-- --minutes N] [--rate MESSAGES_PER_SECOND] [--instances 1|2] [--sample-seconds S]
 *
 * Minutes of mixed traffic against the reference backend (or
 * GOLDEN_PATH_BACKEND_CMD), two instances sharing a throwaway PostgreSQL and
 * Redis (or a database and namespace of its own on DATABASE_URL / REDIS_URL),
 * all on 127.0.0.1: users coming and going with several tabs, asking in new
 * and old threads, closing mid-run and resuming, re-sending, sending hostile
 * frames; one database outage and one cache outage of a few seconds. It
 * samples each instance's RSS, heap, open fds and PostgreSQL connections,
 * and at the end checks that every accepted message and every successful
 * answer is in history exactly once and every run ended, completely or with
 * an explicit error, on every tab that followed it.
 *
 * Writes reports/soak.json and reports/soak-rss.svg, prints a table. Exits 1
 * when anything was lost or duplicated (or a 1011, an abnormal close, another
 * protocol violation), never because something was slow; 2 when it could not run.
 */
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { TokenMinter } from '../support/auth/token-minter';
import { SeededRandom, scenarioSeed } from '../support/random/seeded-random';
import { PROJECT_ROOT } from '../support/target/target-config';

function soakTargetConfig(): LaunchedTargetConfig {
  const config = readTargetConfig();
  if (config.mode !== 'launched') {
    throw new Error(
      'the soak launches its own backend instances on 127.0.0.1 and cuts their database and cache; it cannot soak a remote deployment. ' +
        'Unset GOLDEN_PATH_URL (set GOLDEN_PATH_BACKEND_CMD to soak another backend command).',
    );
  }
  return config;
}
import { readTargetConfig, type LaunchedTargetConfig } from '../support/target/target-config';
import { Cleanup, startSoakEnvironment, type SoakEnvironment } from './soak/environment';
import { Ledger } from './soak/ledger';
import { Outages } from './soak/outages';
import { fdsOf, formatTable, heapOf, maxOf, rssOf, sumKinds, writeJson, writeRssPlot, type SoakReport } from './soak/report';
import { Sampler, type Sample } from './soak/sampler';
import { DEFAULT_TRAFFIC, Traffic, type Instance } from './soak/traffic';

const REPORT_PATH = join(PROJECT_ROOT, 'reports', 'soak.json');
const PLOT_PATH = join(PROJECT_ROOT, 'reports', 'soak-rss.svg');

interface Options {
  readonly minutes: number;
  readonly rate: number;
  readonly instances: 1 | 2;
  readonly sampleSeconds: number;
  readonly stepDelayMs: number;
}

class UsageError extends Error {}

function parseOptions(argv: readonly string[]): Options {
  const options = { minutes: 3, rate: DEFAULT_TRAFFIC.messagesPerSecond, instances: 2 as 1 | 2, sampleSeconds: 5, stepDelayMs: 60 };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const [name, inline] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, undefined];
    const value = (): number => {
      const text = inline ?? argv[++i];
      const number = Number(text);
      if (text === undefined || !Number.isFinite(number) || number <= 0) throw new UsageError(`${name} needs a positive number, got ${String(text)}`);
      return number;
    };
    switch (name) {
      case '--minutes':
        options.minutes = value();
        break;
      case '--rate':
        options.rate = value();
        break;
      case '--instances': {
        const n = value();
        if (n !== 1 && n !== 2) throw new UsageError('--instances is 1 or 2');
        options.instances = n;
        break;
      }
      case '--sample-seconds':
        options.sampleSeconds = value();
        break;
      case '--step-delay-ms':
        options.stepDelayMs = value();
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (options.minutes > 120) throw new UsageError('--minutes is at most 120: the soak is bounded');
  return options;
}

const log = (line: string): void => {
  process.stderr.write(`soak: ${line}\n`);
};

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error && !error.message.includes(error.cause.message) ? `${error.message} (${error.cause.message})` : error.message;
}

function progressLine(sample: Sample, ledger: Ledger, traffic: Traffic, outages: Outages, trafficStart: number): string {
  const seconds = Math.max(1, (performance.now() - trafficStart) / 1000);
  const runs = [...ledger.runs.values()].filter((r) => r.messageId !== undefined);
  const ok = runs.filter((r) => r.status === 'success').length;
  const failed = runs.filter((r) => r.status === 'error').length;
  const now = performance.now();
  const outage = outages.happened.find((o) => o.endedAt === undefined || (o.endedAt > now - 1 && o.startedAt <= now));
  const instances = Object.entries(sample.instances)
    .map(([name, i]) => `${name}: rss ${i.rssMb ?? 'n/a'} MB${i.heapUsedMb === null ? '' : ` heap ${i.heapUsedMb}`} fds ${i.fds ?? 'n/a'} ws ${i.websockets ?? 'n/a'}`)
    .join(' | ');
  return (
    `t=${sample.t.toFixed(0).padStart(4)}s  sessions ${String(traffic.activeSessions).padStart(3)} tabs ${String(sample.openTabs).padStart(3)}  ` +
    `accepted ${ledger.counts.messagesAccepted} (${(ledger.counts.messagesAccepted / seconds).toFixed(1)}/s)  runs ok ${ok} err ${failed}  ` +
    `lost ${ledger.counts.lost} dup ${ledger.counts.duplicated}  pg ${sample.pgConnections ?? 'n/a'}  ${instances}${outage === undefined ? '' : `  [${outage.kind} outage]`}`
  );
}

async function run(options: Options, cleanup: Cleanup, stop: AbortSignal): Promise<number> {
  const config = soakTargetConfig();
  const seed = scenarioSeed();
  log(`seed ${seed} (GOLDEN_PATH_SEED=${seed} replays the same choices); starting PostgreSQL, Redis, fault proxies and ${config.commandLabel} ×${options.instances} ...`);
  const env: SoakEnvironment = await startSoakEnvironment(config, { instances: options.instances, stepDelayMs: options.stepDelayMs }, cleanup, log);
  const trafficMs = options.minutes * 60_000;
  const instances: Instance[] = env.instances.map((i) => ({ name: i.name, wsUrl: i.backend.wsUrl, httpUrl: i.backend.httpUrl }));
  const outages = new Outages({ database: env.postgresProxy, cache: env.redisProxy }, log);
  cleanup.add('the outages', () => {
    outages.stop();
    return Promise.resolve();
  });
  const ledger = new Ledger(() => outages.happened);
  ledger.origin = performance.now() + 1_000;
  const minter = TokenMinter.withSecret(env.jwt.secret, env.jwt.issuer, env.jwt.audience);
  const settings = { ...DEFAULT_TRAFFIC, messagesPerSecond: options.rate, tokenLifetimeSeconds: Math.ceil(trafficMs / 1000) + 900 };
  const traffic = new Traffic(instances, minter, ledger, new SeededRandom(seed), settings, log);
  const labels = {
    remotePorts: new Map([
      [env.postgresProxy.port, 'postgres'],
      [env.redisProxy.port, 'redis'],
    ]),
  };
  const trafficStart = ledger.origin;
  const sampler = new Sampler(
    env.instances.map((i) => ({ name: i.name, pid: i.backend.process.pid, httpUrl: i.backend.httpUrl, labels: { ...labels, servedPorts: new Set([i.backend.port]) } })),
    env.postgres.url,
    trafficStart,
  );
  cleanup.add('the sampler', () => sampler.close());

  // The starting point once the instances have settled (pools opened): two samples alike, one a second after the other (10 s at most).
  let first = await sampler.sample('start', 0);
  for (let i = 0; i < 10; i += 1) {
    await delay(1_000);
    const again = await sampler.sample('start', 0);
    const same = fdsOf(again) === fdsOf(first) && again.pgConnections === first.pgConnections;
    first = again;
    if (same) break;
  }
  sampler.samples.splice(0, sampler.samples.length - 1);
  log(`start: ${progressLine(first, ledger, traffic, outages, trafficStart)}`);
  log(
    `traffic for ${options.minutes} min at a steady ${options.rate} messages/s (a user comes online every ${traffic.sessionIntervalMs.toFixed(0)} ms, ` +
      `1–3 tabs, 1–4 questions, agent steps of ${options.stepDelayMs} ms); a database outage at ${Math.round(0.3 * trafficMs / 1000)} s and a cache outage at ${Math.round(0.6 * trafficMs / 1000)} s, 4 s each; ` +
      `sampling every ${options.sampleSeconds} s`,
  );
  await delay(Math.max(0, trafficStart - performance.now()));

  let phase = 'traffic';
  let sampling = true;
  const sampleLoop = (async () => {
    while (sampling && !stop.aborted) {
      await delay(options.sampleSeconds * 1000, undefined, { signal: stop }).catch(() => undefined);
      if (!sampling || stop.aborted) break;
      const sample = await sampler.sample(phase, traffic.openTabCount);
      log(progressLine(sample, ledger, traffic, outages, trafficStart));
    }
  })();

  const outagesDone = outages.run(trafficStart, trafficMs);
  await traffic.run(trafficStart + trafficMs, stop);
  await outagesDone;
  phase = 'closing';
  log(`traffic over; letting ${traffic.activeSessions} sessions finish`);
  if (!(await traffic.drain(60_000))) ledger.note('slow', 'sessions still going 60 s after the traffic ended were cut off');
  await traffic.reconcile(60_000);
  log('reading every thread\'s history');
  await traffic.checkHistory(instances[0]?.httpUrl as string, 30_000);
  ledger.judgeViews();

  // Back to idle: every socket closed, the pools back to their idle size. Waited for (bounded), then measured.
  phase = 'idle';
  const start = first;
  const idleDeadline = performance.now() + 25_000;
  let end = await sampler.sample('end', 0);
  while (performance.now() < idleDeadline) {
    const settled = Object.values(end.instances).every((i) => i.websockets === 0) && (fdsOf(end) ?? 0) <= (fdsOf(start) ?? 0) && (end.pgConnections ?? 0) <= (start.pgConnections ?? 0);
    if (settled) break;
    await delay(1_000);
    end = await sampler.sample('end', 0);
  }
  sampling = false;
  await sampleLoop;
  log(`end: ${progressLine(end, ledger, traffic, outages, trafficStart)}`);

  // ───── figures ─────
  const closes = new Map<number, number>();
  let abnormal = 0;
  for (const tab of ledger.tabs) {
    if (tab.closeCode === undefined || !tab.upgraded) continue; // a refused handshake is judged where it was made
    closes.set(tab.closeCode, (closes.get(tab.closeCode) ?? 0) + 1);
    if (tab.terminatedByUs) {
      // The soak dropped it itself, after waiting in vain for the server's answer to its close: slow, not a protocol break.
      ledger.note('slow', `tab ${tab.id} (${tab.userId} on ${tab.instance}): no answer to the soak's close frame within its wait; the soak dropped the connection`);
      continue;
    }
    if (tab.closeCode === 1006 || tab.closeCode === 1011) {
      if (tab.closeCode === 1006) abnormal += 1;
      const how = tab.closingSince === undefined ? 'while open' : `${((tab.closedAt ?? 0) - tab.closingSince).toFixed(0)} ms after the soak's close frame`;
      ledger.note('violation', `tab ${tab.id} (${tab.userId} on ${tab.instance}, opened ${ledger.at(tab.establishedAt)}) ended with ${tab.closeCode} ${ledger.at(tab.closedAt)}: ${how}`, 0);
      continue;
    }
    if (!tab.expectedCloseCodes.includes(tab.closeCode)) {
      ledger.violation(`tab ${tab.id} (${tab.userId} on ${tab.instance}) closed with ${tab.closeCode}, expected ${tab.expectedCloseCodes.join(' or ')}`);
    }
  }
  const stillOpen = ledger.tabs.filter((t) => t.establishedAt !== undefined && t.closeCode === undefined).length;
  const runs = [...ledger.runs.values()].filter((r) => r.messageId !== undefined);
  const samples = sampler.samples;
  const afterFirstMinute = samples.find((s) => s.t >= 60);
  const rssStart = rssOf(start);
  const rssFirstMinute = afterFirstMinute === undefined ? null : rssOf(afterFirstMinute);
  const rssEnd = rssOf(end);
  const heapStart = heapOf(start);
  const closes1011 = closes.get(1011) ?? 0;
  const failedBecause: string[] = [];
  if (ledger.counts.lost > 0) failedBecause.push(`${ledger.counts.lost} lost`);
  if (ledger.counts.duplicated > 0) failedBecause.push(`${ledger.counts.duplicated} duplicated`);
  if (closes1011 > 0) failedBecause.push(`${closes1011} closes with 1011`);
  if (abnormal > 0) failedBecause.push(`${abnormal} connections dropped without a close frame`);
  if (ledger.counts.violations > 0) failedBecause.push(`${ledger.counts.violations} other protocol violations`);
  const heapNote =
    sampler.heapExposed === true
      ? 'GET /health memory.heap_used_bytes (not in the protocol; the reference backend adds it)'
      : 'not exposed: the backend\'s GET /health has no memory.heap_used_bytes (not in the protocol), so only RSS is measured';
  const report: SoakReport = {
    minutes: options.minutes,
    messages_accepted: ledger.counts.messagesAccepted,
    runs_completed: runs.filter((r) => r.status === 'success').length,
    runs_failed_explicitly: runs.filter((r) => r.status === 'error').length,
    lost: ledger.counts.lost,
    duplicated: ledger.counts.duplicated,
    closes_1011: closes1011,
    abnormal_closes: abnormal,
    rss_mb_start: rssStart,
    rss_mb_after_first_minute: rssFirstMinute,
    rss_mb_end: rssEnd,
    rss_mb_max: maxOf(samples, rssOf),
    rss_end_vs_first_minute_pct: rssFirstMinute === null || rssEnd === null ? null : Math.round(((rssEnd - rssFirstMinute) / rssFirstMinute) * 1000) / 10,
    heap_mb_start: heapStart,
    heap_mb_end: heapOf(end),
    heap_mb_max: maxOf(samples, heapOf),
    heap: heapNote,
    fds_start: fdsOf(start),
    fds_end: fdsOf(end),
    fds_max: maxOf(samples, fdsOf),
    fd_kinds_start: sumKinds(start),
    fd_kinds_end: sumKinds(end),
    pg_connections_start: start.pgConnections,
    pg_connections_end: end.pgConnections,
    pg_connections_max: maxOf(samples, (s) => s.pgConnections),
    violations: ledger.counts.violations,
    verdict: failedBecause.length === 0 ? 'pass' : 'fail',
    failed_because: failedBecause,
    slow_findings: ledger.counts.slow,
    target: config.commandLabel,
    instances_count: env.instances.length,
    single_instance_reason: env.singleInstanceReason ?? null,
    seed,
    generated_at: new Date().toISOString(),
    settings: { ...settings, stepDelayMs: options.stepDelayMs, sampleSeconds: options.sampleSeconds, host: '127.0.0.1' },
    outages: outages.happened.map((o) => ({ kind: o.kind, from_s: Math.round((o.startedAt - trafficStart) / 100) / 10, to_s: o.endedAt === undefined ? null : Math.round((o.endedAt - trafficStart) / 100) / 10 })),
    traffic: {
      ...traffic.counts,
      users: traffic.users.length,
      threads: traffic.users.reduce((n, u) => n + u.threads.length, 0),
      events_received: ledger.counts.eventsReceived,
      resends_answered: ledger.counts.resends,
      views_recovered_by_resume: ledger.counts.viewsRecoveredByResume,
      events_missed_live_in_cache_outage: ledger.counts.eventsMissedLiveInCacheOutage,
      tabs_still_open_at_end: stillOpen,
    },
    close_codes: Object.fromEntries([...closes.entries()].sort((a, b) => a[0] - b[0]).map(([code, n]) => [String(code), n])),
    postgres_sampling: sampler.postgresProblem ?? 'pg_stat_activity of the soak database, read directly',
    rss_sampling: sampler.procAvailable ? 'VmRSS of each backend process tree, /proc' : 'not available (no /proc)',
    findings: ledger.findings.slice(0, 100),
    samples,
  };
  writeJson(REPORT_PATH, report);
  let plot: string | undefined = PLOT_PATH;
  try {
    await writeRssPlot(PLOT_PATH, samples, outages.happened, trafficStart, `Soak: backend memory over ${options.minutes} min (${config.commandLabel})`);
  } catch (error) {
    plot = undefined;
    log(`the RSS plot could not be rendered: ${describe(error)}`);
  }
  process.stdout.write(`${formatTable(report, plot)}\nwrote ${REPORT_PATH}\n`);
  for (const finding of ledger.findings.filter((f) => f.kind !== 'slow').slice(0, 20)) process.stdout.write(`  ${finding.kind}: ${finding.what}\n`);
  return report.verdict === 'pass' ? 0 : 1;
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`soak: ${error.message}\nusage: npm run soak -- [--minutes N] [--rate MESSAGES_PER_SECOND] [--instances 1|2] [--sample-seconds S]\n`);
      return 2;
    }
    throw error;
  }
  const hardLimitMs = options.minutes * 60_000 + 300_000;
  const cleanup = new Cleanup();
  const stop = new AbortController();
  let abandoned: { why: string; code: number } | undefined;
  const abandon = (why: string, code: number): void => {
    if (abandoned !== undefined) return;
    abandoned = { why, code };
    stop.abort();
    log(`${why}; stopping everything the soak started`);
    void cleanup.run().then((failures) => {
      for (const failure of failures) log(failure);
      process.exit(code);
    });
  };
  const watchdog = setTimeout(() => abandon(`the soak did not finish within its hard limit of ${hardLimitMs / 1000} s`, 2), hardLimitMs);
  watchdog.unref();
  process.once('SIGINT', () => abandon('interrupted (SIGINT)', 130));
  process.once('SIGTERM', () => abandon('terminated (SIGTERM)', 143));

  let code: number;
  try {
    code = await run(options, cleanup, stop.signal);
  } catch (error) {
    if (abandoned === undefined) log(`FAILED, no verdict: ${describe(error)}`);
    code = abandoned?.code ?? 2;
  } finally {
    clearTimeout(watchdog);
    const failures = await cleanup.run();
    for (const failure of failures) log(failure);
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak: crashed: ${describe(error)}\n`);
    process.exit(2);
  },
);
