/**
 * `npm run report -- <run> [<run> …]`: the dashboard of runs read back from
 * their message files, with one conformance verdict per backend.
 *
 *   npm run report -- reports                                   # the latest run again
 *   npm run report -- shard-1 shard-2 shard-3                   # shards (or machines) of one run, merged
 *   npm run report -- reports/verify/clean reports/verify/seq_gap   # two backends, side by side
 *
 * A <run> is a directory a run wrote its reports to (GOLDEN_PATH_REPORT_DIR:
 * messages.ndjson, conformance.json, cucumber.html) or a messages.ndjson file.
 * Runs against the same backend (the description and version in their
 * conformance.json) are merged into one column: their scenarios, success
 * metrics and rule verdicts combined as if they had been one run; runs
 * against different backends stand side by side, rule × backend.
 *
 * Options:
 *   --out DIR        where index.html (and the merged conformance.json) go;
 *                    default: the run's own directory for one run, reports/combined otherwise
 *   --history FILE   add the merged run to this history file and show its trend
 *                    (CI keeps it between builds); default: read the first run's history.json
 *   --side-by-side   one column per run, even for runs of the same backend
 *
 * Exits 1 when a scenario failed or nothing ran, so a CI job that merges
 * shards fails when the run did.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { latestFaultEvidence } from '../support/report/backend-under-test';
import { conformanceTable, type Conformance } from '../support/report/conformance';
import { dashboardPage } from '../support/report/dashboard/dashboard';
import { appendRun, emptyHistory, HISTORY_FILE, readHistory, writeHistory } from '../support/report/dashboard/history';
import { columnOf, type Column, type RunPart } from '../support/report/dashboard/model';
import { readRunFile } from '../support/report/run/run-reader';
import { metricsReport } from '../support/report/success-metrics';
import { PROJECT_ROOT } from '../support/target/target-config';

interface Options {
  readonly runs: string[];
  readonly out: string | undefined;
  readonly history: string | undefined;
  readonly sideBySide: boolean;
}

function parse(argv: readonly string[]): Options {
  const runs: string[] = [];
  let out: string | undefined;
  let history: string | undefined;
  let sideBySide = false;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] as string;
    if (argument === '--out') out = argv[++index];
    else if (argument === '--history') history = argv[++index];
    else if (argument === '--side-by-side') sideBySide = true;
    else if (argument.startsWith('--')) throw new Error(`unknown option ${argument} (known: --out DIR, --history FILE, --side-by-side)`);
    else runs.push(argument);
  }
  if (runs.length === 0) runs.push(process.env.GOLDEN_PATH_REPORT_DIR ?? 'reports');
  return { runs, out, history, sideBySide };
}

interface LoadedRun {
  readonly dir: string;
  readonly messages: string;
  readonly backend: Conformance['backend'];
  readonly tags: string | null;
}

function load(given: string): LoadedRun {
  const path = resolve(given);
  if (!existsSync(path)) throw new Error(`${given} does not exist: give a directory a run wrote its reports to, or a messages.ndjson file`);
  const messages = statSync(path).isDirectory() ? join(path, 'messages.ndjson') : path;
  if (!existsSync(messages)) throw new Error(`${given} has no messages.ndjson: was it written by a run of the suite (GOLDEN_PATH_REPORT_DIR)?`);
  const dir = dirname(messages);
  const conformancePath = join(dir, 'conformance.json');
  const conformance = existsSync(conformancePath) ? (JSON.parse(readFileSync(conformancePath, 'utf8')) as Partial<Conformance>) : {};
  return {
    dir,
    messages,
    backend: conformance.backend ?? { description: `the backend of ${basename(dir)}`, version: null, faults: [] },
    tags: conformance.selection?.tags ?? null,
  };
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const started = performance.now();
  const loaded = options.runs.map(load);
  const outDir = resolve(options.out ?? (loaded.length === 1 ? (loaded[0] as LoadedRun).dir : join(PROJECT_ROOT, 'reports', 'combined')));
  mkdirSync(outDir, { recursive: true });
  const faults = latestFaultEvidence();

  const groups = new Map<string, LoadedRun[]>();
  loaded.forEach((run, index) => {
    const key = options.sideBySide ? `${index}` : `${run.backend.description}|${run.backend.version ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  });
  const columns: Column[] = [...groups.values()].map((runs) => {
    const parts: RunPart[] = runs.map((run) => ({
      run: readRunFile(run.messages),
      cucumberHtml: relative(outDir, join(run.dir, 'cucumber.html')) || 'cucumber.html',
      from: relative(process.cwd(), run.dir) || '.',
    }));
    const first = runs[0] as LoadedRun;
    const tags = [...new Set(runs.map((run) => run.tags))];
    return columnOf(parts, first.backend, { faults, tags: tags.length === 1 ? (tags[0] ?? null) : tags.map((tag) => tag ?? 'every scenario').join(' | ') });
  });

  const historyPath = options.history === undefined ? join((loaded[0] as LoadedRun).dir, HISTORY_FILE) : resolve(options.history);
  let history = existsSync(historyPath) ? readHistory(historyPath) : emptyHistory();
  const [main] = columns;
  if (options.history !== undefined && main !== undefined) {
    history = appendRun(history, { at: main.startedAt ?? new Date().toISOString(), backend: main.backend.description, version: main.backend.version, tags: main.conformance.selection.tags, durationMs: main.durationMs ?? null, scenarios: main.scenarios });
    writeHistory(historyPath, history);
  }
  const html = await dashboardPage({ columns, history, historyFile: relative(outDir, historyPath), faults });
  const page = join(outDir, 'index.html');
  writeFileSync(page, html);
  if (columns.length === 1 && main !== undefined) writeFileSync(join(outDir, 'conformance.json'), `${JSON.stringify(main.conformance, null, 2)}\n`);
  else writeFileSync(join(outDir, 'conformance-by-backend.json'), `${JSON.stringify(columns.map((column) => column.conformance), null, 2)}\n`);

  for (const column of columns) {
    process.stdout.write(`\n${column.label}: ${column.parts.length} run${column.parts.length === 1 ? '' : 's'} (${column.parts.map((part) => part.from).join(', ')}), ${column.totals.passed} passed, ${column.totals.failed} failed, ${column.totals.notRun} not run\n`);
    process.stdout.write(`${metricsReport(column.metrics).text}\n${conformanceTable(column.conformance, relative(process.cwd(), join(outDir, columns.length === 1 ? 'conformance.json' : 'conformance-by-backend.json')))}\n`);
  }
  process.stdout.write(`\nDashboard: ${relative(process.cwd(), page)} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KB, ${((performance.now() - started) / 1000).toFixed(2)} s)\n`);
  if (columns.some((column) => column.totals.failed > 0 || column.totals.passed === 0 || column.hookFailures.length > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run report: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
