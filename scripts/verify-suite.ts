/**
 * verify-suite: proves the suite can fail. Runs it against the clean
 * reference backend and against the backend with each planted fault
 * (`--fault=NAME`), and prints which scenarios caught each fault. Exits
 * non-zero when a fault survives or the clean backend fails anything.
 *
 *   npm run verify-suite                 # every fault
 *   npm run verify-suite -- seq_gap ...  # only these faults (plus the clean run)
 *   npm run verify-suite -- --everywhere # each fault against the whole suite
 *
 * The clean backend always runs the whole suite. A fault runs, by default,
 * against the features of the area it belongs to (AREA_SCENARIOS) and stops
 * at the first scenario that catches it: a fault caught there is caught by
 * the whole suite too, since those scenarios are part of it. `--everywhere`
 * runs every fault against the whole suite to the end, naming every scenario
 * that would catch it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { startPostgres, type PostgresService } from '../support/services/postgres-service';
import { startRedis, type RedisService } from '../support/services/redis-service';
import { PROJECT_ROOT, REFERENCE_BACKEND_COMMAND } from '../support/target/target-config';
import { readRunOutcome, type RunOutcome } from './lib/cucumber-results';

interface Fault {
  readonly name: string;
  readonly area: string;
  readonly description: string;
}

interface Verdict {
  readonly fault: Fault | undefined;
  readonly outcome: RunOutcome;
  readonly seconds: number;
  readonly exitCode: number | null;
}

const reportRoot = join(PROJECT_ROOT, 'reports', 'verify');

/** Which features can catch a fault of each area (tag expressions over the features' area tags). */
const AREA_SCENARIOS: Record<string, string> = {
  agent_events: '@agent_events',
  history: '@agent_events',
  idempotency: '@agent_events',
  race_conditions: '@race_conditions',
  service_dependencies: '@service_dependencies',
  factory_initialization: '@factory_initialization or @user_isolation or @agent_events',
  authentication: '@authentication',
  hostile_input: '@hostile_input',
};

function scenarioScope(fault: Fault | undefined, everywhere: boolean): string {
  if (fault === undefined || everywhere) return 'not @unit';
  const area = AREA_SCENARIOS[fault.area];
  if (area === undefined) throw new Error(`fault ${fault.name} belongs to area "${fault.area}", which verify-suite does not know: add it to AREA_SCENARIOS`);
  return `(${area}) and not @unit`;
}

function listFaults(): Fault[] {
  const output = execFileSync('/bin/sh', ['-c', `${REFERENCE_BACKEND_COMMAND} --list-faults`], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return JSON.parse(output) as Fault[];
}

function runSuite(fault: Fault | undefined, services: { postgres: PostgresService; redis: RedisService }, everywhere: boolean): Promise<Verdict> {
  const name = fault?.name ?? 'clean';
  const reports = join(reportRoot, name);
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOLDEN_PATH_REPORT_DIR: reports,
    DATABASE_URL: services.postgres.url,
    REDIS_URL: services.redis.url,
    GOLDEN_PATH_BACKEND_CMD: fault === undefined ? REFERENCE_BACKEND_COMMAND : `${REFERENCE_BACKEND_COMMAND} --fault=${fault.name}`,
  };
  delete env.GOLDEN_PATH_URL;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const failFast = fault !== undefined && !everywhere ? ['--fail-fast'] : [];
    const child = spawn('npx', ['cucumber-js', '--parallel', '1', ...failFast, '--tags', scenarioScope(fault, everywhere), '--format', `progress:${join(reports, 'progress.txt')}`], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stderr: string[] = [];
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
    child.once('error', reject);
    child.once('exit', (exitCode) => {
      writeFileSync(join(reports, 'stderr.txt'), stderr.join(''));
      resolve({ fault, outcome: readRunOutcome(join(reports, 'messages.ndjson')), seconds: (performance.now() - started) / 1000, exitCode });
    });
  });
}

async function inPool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

function catchers(verdict: Verdict): string[] {
  return verdict.outcome.scenarios.filter((scenario) => scenario.status === 'FAILED').map((scenario) => scenario.name);
}

function printTable(clean: Verdict, faults: Verdict[]): void {
  const cleanFailures = clean.outcome.scenarios.filter((scenario) => scenario.status !== 'PASSED');
  const cleanOk = cleanFailures.length === 0 && clean.outcome.hookFailures.length === 0 && clean.outcome.scenarios.length > 0 && clean.exitCode === 0;
  const out: string[] = ['', 'verify-suite: does the suite catch every planted fault?', ''];
  out.push(`clean backend: ${cleanOk ? 'green' : 'NOT GREEN'} — ${clean.outcome.scenarios.length} scenarios, ${cleanFailures.length} not passing (${clean.seconds.toFixed(1)} s)`);
  for (const failure of cleanFailures) out.push(`    ✗ ${failure.name}: ${failure.failure ?? failure.status}`);
  for (const failure of clean.outcome.hookFailures) out.push(`    ✗ hook: ${failure}`);
  out.push('');
  const width = Math.max(5, ...faults.map((verdict) => verdict.fault?.name.length ?? 0));
  out.push(`${'fault'.padEnd(width)}  ${'area'.padEnd(24)}  verdict   caught by (first catching scenario of the fault's area; every one with --everywhere)`);
  out.push(`${'-'.repeat(width)}  ${'-'.repeat(24)}  --------  ---------`);
  for (const verdict of faults) {
    const caughtBy = catchers(verdict);
    const hookOnly = caughtBy.length === 0 && verdict.outcome.hookFailures.length > 0;
    const status = caughtBy.length > 0 ? 'caught  ' : 'SURVIVED';
    const named = caughtBy.length > 3 ? `${caughtBy.slice(0, 3).join('; ')}; +${caughtBy.length - 3} more` : caughtBy.join('; ');
    const by = caughtBy.length > 0 ? named : hookOnly ? `(only a hook failed: ${verdict.outcome.hookFailures[0] ?? ''})` : '-';
    out.push(`${(verdict.fault?.name ?? '').padEnd(width)}  ${(verdict.fault?.area ?? '').padEnd(24)}  ${status}  ${by}`);
    const first = verdict.outcome.scenarios.find((scenario) => scenario.status === 'FAILED');
    if (first?.failure !== undefined) out.push(`${' '.repeat(width + 38)}↳ ${first.failure.slice(0, 220)}`);
  }
  const survived = faults.filter((verdict) => catchers(verdict).length === 0).length;
  out.push('', `${faults.length - survived} of ${faults.length} faults caught; ${survived} survived; clean backend ${cleanOk ? 'green' : 'NOT GREEN'}.`);
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<void> {
  const everywhere = process.argv.includes('--everywhere');
  const only = process.argv.slice(2).filter((argument) => argument !== '--everywhere');
  const all = listFaults();
  const unknown = only.filter((name) => !all.some((fault) => fault.name === name));
  if (unknown.length > 0) throw new Error(`unknown fault(s): ${unknown.join(', ')}; the backend knows ${all.map((fault) => fault.name).join(', ')}`);
  const faults = only.length === 0 ? all : all.filter((fault) => only.includes(fault.name));
  const started = performance.now();
  // One PostgreSQL and one Redis for every run; each run makes its own database and namespace.
  const [postgres, redis] = await Promise.all([startPostgres(process.env.DATABASE_URL), startRedis(process.env.REDIS_URL)]);
  try {
    process.stdout.write(`verify-suite: the clean backend and ${faults.length} planted fault(s), ${Math.max(1, cpus().length)} at a time\n`);
    let finished = 0;
    const verdicts = await inPool([undefined, ...faults], Math.max(1, cpus().length), async (fault) => {
      const verdict = await runSuite(fault, { postgres, redis }, everywhere);
      finished += 1;
      const caught = catchers(verdict).length;
      const what = fault === undefined ? `clean backend: ${verdict.outcome.scenarios.filter((scenario) => scenario.status !== 'PASSED').length} not passing` : `${fault.name}: ${caught > 0 ? `caught by ${caught}` : 'SURVIVED'}`;
      process.stdout.write(`  [${finished}/${faults.length + 1}] ${what} (${verdict.seconds.toFixed(1)} s)\n`);
      return verdict;
    });
    const [clean, ...faulted] = verdicts as [Verdict, ...Verdict[]];
    printTable(clean, faulted);
    writeFileSync(
      join(reportRoot, 'verify-suite.json'),
      JSON.stringify({ clean: clean.outcome, faults: faulted.map((verdict) => ({ ...verdict.fault, caughtBy: catchers(verdict), seconds: verdict.seconds })) }, null, 2),
    );
    process.stdout.write(`(${((performance.now() - started) / 1000).toFixed(1)} s; reports in reports/verify/)\n`);
    const cleanGreen = clean.exitCode === 0 && clean.outcome.scenarios.length > 0 && clean.outcome.scenarios.every((scenario) => scenario.status === 'PASSED');
    if (!cleanGreen || faulted.some((verdict) => catchers(verdict).length === 0)) process.exitCode = 1;
  } finally {
    await Promise.all([postgres.dispose(), redis.dispose()]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`verify-suite could not run: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(2);
});
