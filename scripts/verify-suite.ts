/**
 * verify-suite: proves the suite can fail, rule by rule. Runs the whole suite
 * against the clean reference backend (it must be green), then the backend
 * with each planted fault (`--fault=NAME`) against the scenarios tagged with
 * the rules that fault breaks, stopping at the first catch. A fault is caught
 * when a scenario fails with one of its rules violated (the rule id is in the
 * failure); a rule is proven when one of its faults was caught by it.
 *
 *   npm run verify-suite                  # every fault
 *   npm run verify-suite -- seq_gap ...   # only these faults (plus the clean run)
 *   npm run verify-suite -- --everywhere  # each fault against the whole suite, to the end
 *   npm run verify-suite -- --no-clean seq_gap  # only these faults, without the clean run (while developing a fault)
 *   npm run verify-suite -- --clean-run reports  # the clean run is the whole-suite run already in reports/ (npm test)
 *
 * A fault marked `expect: 'tolerated'` is the other way round: something the
 * protocol allows that the suite itself must cope with (GP-4.3: unknown
 * fields and frame types). It runs against the whole suite, which must stay
 * green; it proves its rules when it does, and fails verify-suite when not.
 *
 * Exits non-zero when the clean backend fails anything, a fault survives, a
 * checked rule has no fault that proves it, or a fault names a rule the
 * catalogue does not have.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { RULE_IDS, ruleById, ruleIdsIn } from '../protocol/rules';
import { RULE_VERDICTS_MEDIA_TYPE, type RuleVerdicts } from '../support/expectations/rule-ledger';
import type { Conformance } from '../support/report/conformance';
import { startPostgres, type PostgresService } from '../support/services/postgres-service';
import { startRedis, type RedisService } from '../support/services/redis-service';
import { PROJECT_ROOT, REFERENCE_BACKEND_COMMAND } from '../support/target/target-config';
import { readRunOutcome, type RunOutcome } from './lib/cucumber-results';

interface Fault {
  readonly name: string;
  readonly area: string;
  readonly description: string;
  readonly rules: readonly string[];
  readonly expect: 'caught' | 'tolerated';
}

interface FaultRun {
  readonly fault: Fault | undefined;
  readonly outcome: RunOutcome;
  /** Per failing scenario: the rules its judges found broken. */
  readonly violatedBy: ReadonlyArray<{ scenario: string; violated: readonly string[]; failure: string | undefined }>;
  readonly seconds: number;
  readonly exitCode: number | null;
}

const reportRoot = join(PROJECT_ROOT, 'reports', 'verify');
/** cucumber-js run in-process (`--parallel 0`), without npx: a fault run's cost is mostly loading the suite, so it is loaded once per run, not per worker. */
const CUCUMBER_BIN = join(PROJECT_ROOT, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');

function listFaults(): Fault[] {
  const output = execFileSync('/bin/sh', ['-c', `${REFERENCE_BACKEND_COMMAND} --list-faults`], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return (JSON.parse(output) as Array<Omit<Fault, 'rules' | 'expect'> & { rules?: string[]; expect?: Fault['expect'] }>).map((fault) => ({ ...fault, rules: fault.rules ?? [], expect: fault.expect ?? 'caught' }));
}

function scope(fault: Fault | undefined, everywhere: boolean): string {
  if (fault === undefined || everywhere || fault.expect === 'tolerated') return 'not @unit';
  return `(${fault.rules.map((rule) => `@${rule}`).join(' or ')}) and not @unit`;
}

/** What each failing scenario of a run violated, from the rule ledger's attachments in its message stream. */
function violations(messagesPath: string): FaultRun['violatedBy'] {
  if (!existsSync(messagesPath)) return [];
  const pickles = new Map<string, string>();
  const testCases = new Map<string, string>();
  const started = new Map<string, { pickle: string; verdicts?: RuleVerdicts; failed: boolean; failure?: string }>();
  for (const line of readFileSync(messagesPath, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const envelope = JSON.parse(line) as {
      pickle?: { id: string; name: string };
      testCase?: { id: string; pickleId: string };
      testCaseStarted?: { id: string; testCaseId: string };
      testStepFinished?: { testCaseStartedId: string; testStepResult: { status: string; message?: string } };
      attachment?: { mediaType: string; body: string; testCaseStartedId?: string };
    };
    if (envelope.pickle) pickles.set(envelope.pickle.id, envelope.pickle.name);
    if (envelope.testCase) testCases.set(envelope.testCase.id, envelope.testCase.pickleId);
    if (envelope.testCaseStarted) started.set(envelope.testCaseStarted.id, { pickle: pickles.get(testCases.get(envelope.testCaseStarted.testCaseId) ?? '') ?? '', failed: false });
    const step = envelope.testStepFinished;
    if (step?.testStepResult.status === 'FAILED') {
      const current = started.get(step.testCaseStartedId);
      if (current !== undefined && !current.failed) {
        current.failed = true;
        current.failure = firstViolationLine(step.testStepResult.message);
      }
    }
    const attachment = envelope.attachment;
    if (attachment?.mediaType === RULE_VERDICTS_MEDIA_TYPE && attachment.testCaseStartedId !== undefined) {
      const current = started.get(attachment.testCaseStartedId);
      if (current !== undefined) current.verdicts = JSON.parse(attachment.body) as RuleVerdicts;
    }
  }
  // The rules a failure broke: those its judges recorded, and those its first violation line names (a judge in an After hook records after the verdicts are attached).
  return [...started.values()].filter((run) => run.failed).map((run) => ({ scenario: run.pickle, violated: [...new Set([...(run.verdicts?.violated ?? []), ...ruleIdsIn(run.failure ?? '')])], failure: run.failure }));
}

function firstViolationLine(message: string | undefined): string | undefined {
  const lines = (message ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('at '));
  return lines.find((line) => line.startsWith('✗')) ?? lines[0];
}

function runSuite(fault: Fault | undefined, services: { postgres: PostgresService; redis: RedisService }, everywhere: boolean): Promise<FaultRun> {
  const name = fault?.name ?? 'clean';
  const reports = join(reportRoot, name);
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOLDEN_PATH_REPORT_DIR: reports,
    GOLDEN_PATH_PICTURES: 'off',
    DATABASE_URL: services.postgres.url,
    REDIS_URL: services.redis.url,
    GOLDEN_PATH_BACKEND_CMD: fault === undefined ? REFERENCE_BACKEND_COMMAND : `${REFERENCE_BACKEND_COMMAND} --fault=${fault.name}`,
  };
  delete env.GOLDEN_PATH_URL;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const failFast = fault !== undefined && !everywhere && fault.expect !== 'tolerated' ? ['--fail-fast'] : [];
    const child = spawn(process.execPath, [CUCUMBER_BIN, '--profile', 'verify', '--parallel', '0', ...failFast, '--tags', scope(fault, everywhere), '--format', `progress:${join(reports, 'progress.txt')}`], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr: string[] = [];
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
    child.once('error', reject);
    child.once('exit', (exitCode) => {
      writeFileSync(join(reports, 'stderr.txt'), stderr.join(''));
      const messages = join(reports, 'messages.ndjson');
      resolve({ fault, outcome: readRunOutcome(messages), violatedBy: violations(messages), seconds: (performance.now() - started) / 1000, exitCode });
    });
  });
}

/** The whole-suite run already made against the clean backend (npm test's), read from its report folder. */
function cleanRunFrom(dir: string): { run: FaultRun; dir: string } {
  const messages = join(dir, 'messages.ndjson');
  if (!existsSync(messages) || !existsSync(join(dir, 'conformance.json'))) throw new Error(`--clean-run ${dir}: no messages.ndjson and conformance.json there; run the whole suite first`);
  const outcome = readRunOutcome(messages);
  const green = outcome.hookFailures.length === 0 && outcome.scenarios.every((scenario) => scenario.status === 'PASSED' || scenario.notRunBecause !== undefined);
  return { run: { fault: undefined, outcome, violatedBy: violations(messages), seconds: 0, exitCode: green ? 0 : 1 }, dir };
}

async function inPool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  }));
  return results;
}

/**
 * The failing scenario that proves the fault: one whose violations include a
 * rule of the fault. A tolerated fault is proven by the whole suite staying green.
 */
function catchOf(run: FaultRun): { scenario: string; rules: string[]; failure: string | undefined } | undefined {
  const rules = run.fault?.rules ?? [];
  if (run.fault?.expect === 'tolerated') {
    const green = run.exitCode === 0 && run.outcome.hookFailures.length === 0 && run.outcome.scenarios.length > 0 && run.violatedBy.length === 0;
    return green ? { scenario: `the whole suite stayed green (${run.outcome.scenarios.length} scenarios)`, rules: [...rules], failure: undefined } : undefined;
  }
  const found = run.violatedBy.find((failure) => failure.violated.some((rule) => rules.includes(rule)));
  return found === undefined ? undefined : { scenario: found.scenario, rules: found.violated.filter((rule) => rules.includes(rule)), failure: found.failure };
}

/** Set when a fault survived, a rule is unproven or the clean backend is not green; the exit code says it whatever the services' shutdown does. */
let verdictFailed = false;

function main(): Promise<void> {
  return run().then(() => process.exit(verdictFailed ? 1 : 0), (error: unknown) => {
    process.stderr.write(`verify-suite could not run: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(2);
  });
}

async function run(): Promise<void> {
  const everywhere = process.argv.includes('--everywhere');
  const withoutClean = process.argv.includes('--no-clean');
  const cleanRunAt = process.argv.indexOf('--clean-run');
  const cleanRunDir = cleanRunAt < 0 ? undefined : process.argv[cleanRunAt + 1];
  if (cleanRunAt >= 0 && cleanRunDir === undefined) throw new Error('--clean-run needs the report folder of a whole-suite run against the clean backend (e.g. reports)');
  const only = process.argv.slice(2).filter((argument, index) => !argument.startsWith('--') && (cleanRunAt < 0 || index !== cleanRunAt - 1));
  if (withoutClean && only.length === 0) throw new Error('--no-clean is for a few faults under development: name them');
  const all = listFaults();
  const unknown = only.filter((name) => !all.some((fault) => fault.name === name));
  if (unknown.length > 0) throw new Error(`unknown fault(s): ${unknown.join(', ')}; the backend knows ${all.map((fault) => fault.name).join(', ')}`);
  const badRules = all.flatMap((fault) => fault.rules.filter((rule) => !RULE_IDS.has(rule)).map((rule) => `${fault.name} → ${rule}`));
  const ruleless = all.filter((fault) => fault.rules.length === 0).map((fault) => fault.name);
  if (badRules.length > 0 || ruleless.length > 0) {
    throw new Error(`every planted fault must name the rules of protocol/rules.ts it breaks: ${[...badRules.map((bad) => `unknown rule ${bad}`), ...ruleless.map((name) => `${name} names none`)].join('; ')}`);
  }
  // Tolerated faults run the whole suite: started first, they overlap the short runs of the others.
  const faults = (only.length === 0 ? all : all.filter((fault) => only.includes(fault.name))).sort((a, b) => Number(b.expect === 'tolerated') - Number(a.expect === 'tolerated'));
  const started = performance.now();
  // One PostgreSQL and one Redis for every run; each run makes its own database and namespace.
  const [postgres, redis] = await Promise.all([startPostgres(process.env.DATABASE_URL), startRedis(process.env.REDIS_URL)]);
  try {
    // A fault run mostly waits (on its scenarios' timers and sockets), not computes: two per core keep the machine busy.
    const width = Number(process.env.GOLDEN_PATH_VERIFY_WIDTH) || Math.max(2, cpus().length * 2);
    process.stdout.write(`verify-suite: the clean backend and ${faults.length} planted fault(s), ${width} at a time\n`);
    let finished = 0;
    const earlierClean = cleanRunDir === undefined ? undefined : cleanRunFrom(cleanRunDir);
    const runs = await inPool(withoutClean || earlierClean !== undefined ? faults : [undefined, ...faults], width, async (fault) => {
      const result = await runSuite(fault, { postgres, redis }, everywhere);
      finished += 1;
      const verdict = fault === undefined ? `clean backend: ${result.outcome.scenarios.filter((scenario) => scenario.status !== 'PASSED').length} not passing` : `${fault.name}: ${verdictOf(result)}`;
      process.stdout.write(`  [${finished}/${faults.length + 1}] ${verdict} (${result.seconds.toFixed(1)} s)\n`);
      return result;
    });
    if (withoutClean) {
      for (const result of runs) process.stdout.write(`${result.fault?.name ?? ''}: ${catchOf(result) === undefined ? `${verdictOf(result)}${result.violatedBy.length > 0 ? ` (failed, but not by its rules: ${result.violatedBy.map((failure) => `${failure.scenario}: ${failure.failure ?? ''}`).join('; ')})` : ''}` : `${verdictOf(result) === 'caught' ? 'caught by' : `${verdictOf(result)}:`} ${catchOf(result)?.scenario ?? ''}${catchOf(result)?.failure === undefined ? '' : `: ${catchOf(result)?.failure ?? ''}`}`}\n`);
      if (runs.some((result) => catchOf(result) === undefined)) verdictFailed = true;
      return;
    }
    const [clean, ...faulted] = (earlierClean === undefined ? runs : [earlierClean.run, ...runs]) as [FaultRun, ...FaultRun[]];
    // A scenario not run for a need the target cannot meet is not a failure of the clean backend (none, when the suite launched it).
    const cleanGreen = clean.exitCode === 0 && clean.outcome.scenarios.length > 0 && clean.outcome.scenarios.every((scenario) => scenario.status === 'PASSED' || scenario.notRunBecause !== undefined);
    const cleanConformance = JSON.parse(readFileSync(join(earlierClean?.dir ?? join(reportRoot, 'clean'), 'conformance.json'), 'utf8')) as Conformance;
    // A tolerated fault's rules are the suite's own duties (GP-4.3): proven by it, whether or not a scenario names them.
    const checked = [...new Set([...cleanConformance.rules.filter((rule) => rule.verdict !== 'unchecked').map((rule) => rule.id), ...faulted.filter((result) => result.fault?.expect === 'tolerated').flatMap((result) => result.fault?.rules ?? [])])];
    const proofs = checked.map((rule) => {
      const declaring = faulted.filter((result) => result.fault?.rules.includes(rule) === true);
      const provenBy = declaring.filter((result) => catchOf(result)?.rules.includes(rule) === true || (result.fault?.expect !== 'tolerated' && result.violatedBy.some((failure) => failure.violated.includes(rule))));
      return { rule, faults: declaring.map((result) => result.fault?.name ?? ''), provenBy: provenBy.map((result) => result.fault?.name ?? '') };
    });
    printTables(clean, cleanGreen, faulted, proofs, only.length > 0);
    const report = {
      clean: { green: cleanGreen, scenarios: clean.outcome.scenarios.length, failing: clean.outcome.scenarios.filter((scenario) => scenario.status !== 'PASSED') },
      faults: faulted.map((result) => {
        const caught = catchOf(result);
        return { ...result.fault, verdict: verdictOf(result), caught: caught !== undefined, caughtBy: caught?.scenario ?? null, violated: caught?.rules ?? [], failure: caught?.failure ?? result.violatedBy[0]?.failure ?? null, seconds: result.seconds };
      }),
      rules: proofs,
    };
    writeFileSync(join(reportRoot, 'verify-suite.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`(${((performance.now() - started) / 1000).toFixed(1)} s; reports in reports/verify/)\n`);
    const survivors = faulted.filter((result) => catchOf(result) === undefined);
    const unproven = only.length === 0 ? proofs.filter((proof) => proof.provenBy.length === 0) : [];
    if (!cleanGreen || survivors.length > 0 || unproven.length > 0) verdictFailed = true;
  } finally {
    await Promise.all([postgres.dispose(), redis.dispose()]);
  }
}

/** caught / SURVIVED for a fault the suite must catch; tolerated / NOT TOLERATED for one it must cope with. */
function verdictOf(run: FaultRun): string {
  const proven = catchOf(run) !== undefined;
  if (run.fault?.expect === 'tolerated') return proven ? 'tolerated' : 'NOT TOLERATED';
  return proven ? 'caught' : 'SURVIVED';
}

function printTables(clean: FaultRun, cleanGreen: boolean, faulted: readonly FaultRun[], proofs: ReadonlyArray<{ rule: string; faults: string[]; provenBy: string[] }>, partial: boolean): void {
  const out: string[] = ['', 'verify-suite: does the suite catch every planted fault, by the rules it breaks?', ''];
  const cleanFailures = clean.outcome.scenarios.filter((scenario) => scenario.status !== 'PASSED');
  out.push(`clean backend: ${cleanGreen ? 'green' : 'NOT GREEN'} — ${clean.outcome.scenarios.length} scenarios, ${cleanFailures.length} not passing (${clean.seconds.toFixed(1)} s)`);
  for (const failure of cleanFailures) out.push(`    ✗ ${failure.name}: ${failure.failure ?? failure.status}`);
  for (const failure of clean.outcome.hookFailures) out.push(`    ✗ hook: ${failure}`);
  out.push('');
  const width = Math.max(5, ...faulted.map((result) => result.fault?.name.length ?? 0));
  out.push(`${'fault'.padEnd(width)}  ${'breaks'.padEnd(22)}  verdict   caught by (the first scenario that failed with one of its rules)`);
  out.push(`${'-'.repeat(width)}  ${'-'.repeat(22)}  --------  ---------`);
  for (const result of faulted) {
    const caught = catchOf(result);
    const rules = (result.fault?.rules ?? []).join(' ');
    out.push(`${(result.fault?.name ?? '').padEnd(width)}  ${rules.padEnd(22)}  ${verdictOf(result).padEnd(8)}  ${caught?.scenario ?? (result.violatedBy.length > 0 ? `(failed, but not by its rules: ${result.violatedBy[0]?.violated.join(', ') || 'no rule named'})` : '-')}`);
    const line = caught?.failure ?? result.violatedBy[0]?.failure;
    if (line !== undefined) out.push(`${' '.repeat(width + 36)}↳ ${line.slice(0, 200)}`);
  }
  out.push('', 'rule → faults that break it → proven?');
  for (const proof of proofs) {
    const rule = ruleById(proof.rule);
    out.push(`  ${proof.rule.padEnd(18)} ${rule.kind === 'protocol' ? '       ' : 'target '} ${proof.provenBy.length > 0 ? 'proven by' : proof.faults.length > 0 ? 'NOT PROVEN by' : partial ? 'not in this selection:' : 'NO FAULT:'} ${(proof.provenBy.length > 0 ? proof.provenBy : proof.faults).join(', ')}`);
  }
  const survived = faulted.filter((result) => catchOf(result) === undefined).length;
  const unproven = proofs.filter((proof) => proof.provenBy.length === 0).length;
  out.push('', `${faulted.length - survived} of ${faulted.length} faults caught by their rules or tolerated as they must be; ${survived} survived or broke the suite; ${proofs.length - unproven} of ${proofs.length} checked rules proven by a fault; clean backend ${cleanGreen ? 'green' : 'NOT GREEN'}.`);
  // The end of the output is what a CI log keeps: name what went wrong there again, with why.
  for (const result of faulted.filter((run) => catchOf(run) === undefined)) {
    const failure = result.violatedBy[0];
    out.push(`  ${verdictOf(result)}: ${result.fault?.name ?? ''} (breaks ${(result.fault?.rules ?? []).join(' ')}; ${result.outcome.scenarios.length} scenarios ran in ${result.seconds.toFixed(1)} s, exit ${String(result.exitCode)}) — ${failure === undefined ? 'no scenario failed' : `${failure.scenario}: ${(failure.failure ?? 'no message').slice(0, 300)}`}`);
  }
  for (const proof of proofs.filter((entry) => entry.provenBy.length === 0)) out.push(`  NOT PROVEN: ${proof.rule} (faults: ${proof.faults.join(', ') || 'none'})`);
  process.stdout.write(`${out.join('\n')}\n`);
}

void main();
