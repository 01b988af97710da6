import { conformanceOf, type Conformance, type FaultEvidence, type ScenarioRecord } from '../conformance';
import { allPickles, rulesTagged } from '../feature-catalogue';
import type { RunRecord, ScenarioResult } from '../run/run-reader';
import { addMetrics, emptyMetrics, metricRows, targetsMet, type MetricRow, type SuccessMetrics } from '../success-metrics';

/**
 * What the dashboard shows about one backend: the runs of it (one, or the
 * shards of one run, or runs on several machines) merged into one set of
 * scenarios, one scorecard and one conformance verdict. Several backends
 * are several columns, side by side.
 */
export interface RunPart {
  readonly run: RunRecord;
  /** Where its cucumber.html is, relative to the dashboard. */
  readonly cucumberHtml: string;
  /** Where it came from, for the reader ("reports/shard-1"). */
  readonly from: string;
}

export interface ColumnScenario extends ScenarioResult {
  /** The cucumber.html that shows it. */
  readonly cucumberHtml: string;
}

export type CapabilityVerdict = 'pass' | 'fail' | 'no_data';

export interface CapabilityResult {
  readonly id: string;
  readonly title: string;
  /** A few words, for charts. */
  readonly short: string;
  readonly why: string;
  readonly verdict: CapabilityVerdict;
  readonly passed: number;
  readonly failed: number;
  readonly notRun: number;
}

export interface Column {
  readonly backend: Conformance['backend'];
  readonly label: string;
  readonly parts: readonly RunPart[];
  readonly scenarios: readonly ColumnScenario[];
  readonly metrics: SuccessMetrics;
  readonly metricRows: readonly MetricRow[];
  readonly targetsMet: boolean | null;
  readonly conformance: Conformance;
  readonly capabilities: readonly CapabilityResult[];
  readonly totals: { readonly scenarios: number; readonly passed: number; readonly failed: number; readonly notRun: number };
  readonly startedAt: string | undefined;
  /** From the first part's start to the last part's end (parts run side by side: the wall-clock time). */
  readonly durationMs: number | undefined;
  readonly hookFailures: readonly string[];
  readonly pictureMs: number;
  readonly pictureBytes: number;
}

/** The capabilities the scorecard judges: the seed plan's four critical issues, then the attack surface and isolation. */
export const CAPABILITIES: ReadonlyArray<{ readonly id: string; readonly title: string; readonly short: string; readonly why: string }> = [
  { id: 'race_conditions', title: 'Critical issue 1: no 1011s under rapid connections', short: '#1 no 1011 under rapid connections', why: 'handshake storms, frames before readiness, churn, connection limits, a reconnect storm after a restart' },
  { id: 'service_dependencies', title: 'Critical issue 2: no silent failure when a service is down', short: '#2 no silence when a service is down', why: 'PostgreSQL down, blackholed, slow; Redis down; everything down at start' },
  { id: 'factory_initialization', title: 'Critical issue 3: no broken start or shutdown', short: '#3 no broken start or shutdown', why: 'misconfiguration, instances starting together, graceful drains, several instances' },
  { id: 'agent_events', title: 'Critical issue 4: no missing WebSocket event', short: '#4 no missing WebSocket event', why: 'the five live events and their rules, exactly once, resume, several tabs' },
  { id: 'authentication', title: 'Authentication', short: 'authentication', why: 'the token refusal matrix, both token forms, permissions, expiry, history access, a real browser' },
  { id: 'hostile_input', title: 'Hostile input', short: 'hostile input', why: 'malformed, oversized, binary and flooding input, the seeded fuzz barrage' },
  { id: 'user_isolation', title: 'Isolation', short: 'isolation', why: 'many users at once, foreign threads, runs and histories' },
];

const ran = (scenario: ScenarioResult): boolean => scenario.notRunBecause === undefined && scenario.status !== 'SKIPPED';

export function columnOf(parts: readonly RunPart[], backend: Conformance['backend'], options: { faults: readonly FaultEvidence[]; tags: string | null; catalogue?: ReadonlyArray<{ name: string; tagged: readonly string[] }> }): Column {
  const scenarios = parts.flatMap((part) => part.run.scenarios.map((scenario): ColumnScenario => ({ ...scenario, cucumberHtml: part.cucumberHtml })));
  const metrics = parts.reduce((total, part) => addMetrics(total, part.run.metrics), emptyMetrics());
  const rows = metricRows(metrics);
  const records: ScenarioRecord[] = scenarios.map((scenario) => ({
    name: scenario.name,
    uri: scenario.uri,
    tagged: scenario.tagged,
    source: scenario.source,
    status: scenario.status,
    verdicts: scenario.verdicts,
    ...(scenario.notRunBecause === undefined ? {} : { notRunBecause: scenario.notRunBecause }),
  }));
  const catalogue = options.catalogue ?? allPickles().map((pickle) => ({ name: pickle.name, tagged: rulesTagged(pickle.tags) }));
  const conformance = conformanceOf({ catalogue, ran: records, backend, tags: options.tags, faults: options.faults });
  const starts = parts.flatMap((part) => (part.run.startedAt === undefined ? [] : [Date.parse(part.run.startedAt)]));
  const ends = parts.flatMap((part) => (part.run.startedAt === undefined || part.run.durationMs === undefined ? [] : [Date.parse(part.run.startedAt) + part.run.durationMs]));
  const first = starts.length > 0 ? Math.min(...starts) : undefined;
  return {
    backend,
    label: `${backend.description}${backend.version === null ? '' : ` ${backend.version}`}`,
    parts,
    scenarios,
    metrics,
    metricRows: rows,
    targetsMet: targetsMet(rows),
    conformance,
    capabilities: CAPABILITIES.map((capability) => {
      const mine = scenarios.filter((scenario) => scenario.capability === capability.id);
      const passed = mine.filter((scenario) => ran(scenario) && scenario.status === 'PASSED').length;
      const failed = mine.filter((scenario) => ran(scenario) && scenario.status !== 'PASSED').length;
      return { ...capability, passed, failed, notRun: mine.length - passed - failed, verdict: failed > 0 ? 'fail' : passed > 0 ? 'pass' : 'no_data' };
    }),
    totals: {
      scenarios: scenarios.length,
      passed: scenarios.filter((scenario) => ran(scenario) && scenario.status === 'PASSED').length,
      failed: scenarios.filter((scenario) => ran(scenario) && scenario.status !== 'PASSED').length,
      notRun: scenarios.filter((scenario) => !ran(scenario)).length,
    },
    startedAt: first === undefined ? undefined : new Date(first).toISOString(),
    durationMs: first === undefined || ends.length === 0 ? undefined : Math.max(...ends) - first,
    hookFailures: parts.flatMap((part) => part.run.hookFailures),
    pictureMs: parts.reduce((sum, part) => sum + part.run.pictureMs, 0),
    pictureBytes: parts.reduce((sum, part) => sum + part.run.pictureBytes, 0),
  };
}

/** The failing scenarios of a column, most severe first: a protocol MUST before a missed target, then by capability order. */
export function failuresOf(column: Column): ColumnScenario[] {
  const order = (scenario: ColumnScenario): number => {
    const protocol = scenario.failure?.violations.some((violation) => violation.kind === 'protocol') === true ? 0 : 1;
    const capability = CAPABILITIES.findIndex((candidate) => candidate.id === scenario.capability);
    return protocol * 100 + (capability === -1 ? 99 : capability);
  };
  return column.scenarios.filter((scenario) => ran(scenario) && scenario.status !== 'PASSED').sort((a, b) => order(a) - order(b));
}
