import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ScenarioResult, ScenarioStatus } from '../run/run-reader';

/**
 * The last runs, kept small in reports/history.json: per run when, against
 * what, how long, and each scenario's status as one letter. The dashboard's
 * trend reads it to mark newly failing scenarios (failing now, passing the
 * last time they ran against the same backend) and flaky ones (changing
 * between passing and failing more than once in the window without a change
 * of backend).
 */
export const HISTORY_FILE = 'history.json';
/** Runs kept. */
export const HISTORY_LENGTH = 12;

/** P passed, F failed, S skipped or not run, U undefined/pending/ambiguous. */
export type StatusLetter = 'P' | 'F' | 'S' | 'U';

export interface HistoryRun {
  readonly at: string;
  /** The backend's description: runs are compared with runs of the same backend, whatever its version (a new version failing is the regression to see). */
  readonly backend: string;
  readonly version?: string | null;
  readonly tags: string | null;
  readonly durationMs: number | null;
  readonly statuses: Readonly<Record<string, StatusLetter>>;
}

export interface History {
  readonly version: 1;
  readonly runs: readonly HistoryRun[];
  /** Scenario names by key (the latest seen), so the trend can name scenarios that did not run this time. */
  readonly names: Readonly<Record<string, string>>;
}

export const emptyHistory = (): History => ({ version: 1, runs: [], names: {} });

export function letter(status: ScenarioStatus): StatusLetter {
  if (status === 'PASSED') return 'P';
  if (status === 'FAILED') return 'F';
  if (status === 'SKIPPED') return 'S';
  return 'U';
}

/** The history file at `path`; an absent file is an empty history, a file of another shape is an error naming it. */
export function readHistory(path: string): History {
  if (!existsSync(path)) return emptyHistory();
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<History>;
  if (parsed.version !== 1 || !Array.isArray(parsed.runs)) throw new Error(`${path} is not a golden-path run history (version 1); delete it to start a new one`);
  return { version: 1, runs: parsed.runs, names: parsed.names ?? {} };
}

export function appendRun(history: History, run: { at: string; backend: string; version?: string | null; tags: string | null; durationMs: number | null; scenarios: readonly ScenarioResult[] }): History {
  const statuses: Record<string, StatusLetter> = {};
  const names: Record<string, string> = { ...history.names };
  for (const scenario of run.scenarios) {
    statuses[scenario.key] = letter(scenario.status);
    names[scenario.key] = scenario.name;
  }
  const runs = [...history.runs, { at: run.at, backend: run.backend, version: run.version ?? null, tags: run.tags, durationMs: run.durationMs, statuses }].slice(-HISTORY_LENGTH);
  const kept = new Set(runs.flatMap((entry) => Object.keys(entry.statuses)));
  return { version: 1, runs, names: Object.fromEntries(Object.entries(names).filter(([key]) => kept.has(key))) };
}

export function writeHistory(path: string, history: History): void {
  writeFileSync(path, `${JSON.stringify(history)}\n`);
}

export interface Trend {
  /** The runs of the same backend as the latest, oldest first (the latest last). */
  readonly runs: readonly HistoryRun[];
  /** Failing in the latest run, and passing the last time before it ran (or never run before); not flaky. */
  readonly newlyFailing: ReadonlyArray<{ readonly key: string; readonly name: string; readonly since: 'passed before' | 'new scenario' }>;
  /** Passing and failing by turns: at least two changes between P and F in the window. */
  readonly flaky: ReadonlyArray<{ readonly key: string; readonly name: string; readonly sequence: string }>;
  /** Failing in the latest run and in the run before it too. */
  readonly stillFailing: readonly string[];
}

export function trendOf(history: History): Trend {
  const latest = history.runs.at(-1);
  if (latest === undefined) return { runs: [], newlyFailing: [], flaky: [], stillFailing: [] };
  const runs = history.runs.filter((run) => run.backend === latest.backend);
  const earlier = runs.slice(0, -1);
  const name = (key: string): string => history.names[key] ?? key.split('|')[1] ?? key;
  const keys = new Set(runs.flatMap((run) => Object.keys(run.statuses)));
  const flaky = [...keys].flatMap((key) => {
    const sequence = runs.map((run) => run.statuses[key] ?? '·').join('');
    const judged = sequence.replace(/[^PF]/g, '');
    let changes = 0;
    for (let index = 1; index < judged.length; index += 1) if (judged[index] !== judged[index - 1]) changes += 1;
    return changes >= 2 ? [{ key, name: name(key), sequence }] : [];
  });
  const flakyKeys = new Set(flaky.map((item) => item.key));
  const newlyFailing: Array<Trend['newlyFailing'][number]> = [];
  const stillFailing: string[] = [];
  for (const [key, status] of Object.entries(latest.statuses)) {
    if (status !== 'F' || flakyKeys.has(key)) continue;
    const before = earlier.map((run) => run.statuses[key]).filter((seen): seen is 'P' | 'F' => seen === 'P' || seen === 'F').at(-1);
    if (before === 'F') stillFailing.push(key);
    else newlyFailing.push({ key, name: name(key), since: before === 'P' ? 'passed before' : 'new scenario' });
  }
  return { runs, newlyFailing, flaky, stillFailing };
}
