import { connectionLedger } from '../client/connection-ledger';
import { CloseCode } from '../../protocol/constants';

/**
 * The seed plan's success metrics, counted over everything a run of the suite
 * does, in any scenario. Each scenario attaches what it added (a JSON
 * attachment of MEDIA_TYPE); the success-metrics formatter adds them up
 * across scenarios and parallel workers and prints the totals at the end.
 */
export const SUCCESS_METRICS_MEDIA_TYPE = 'application/x.golden-path.success-metrics+json';

export interface SuccessMetrics {
  /** WebSocket connections the suite tried to open. */
  connectionsAttempted: number;
  /** Upgraded to a WebSocket (101). */
  connectionsEstablished: number;
  /** Refused before the upgrade, by HTTP status. */
  connectionsRefused: Record<string, number>;
  /** Could not connect at all (network error, timeout). */
  connectionsFailed: number;
  /** Could not connect, as the scenario expected (a handshake during a drain). */
  connectionsFailedAsExpected: number;
  /** Closed by the server with 1011: the seed's first critical issue. */
  closed1011: number;
  /** Closed without a close frame (1006), not by the suite's own doing. */
  closedAbnormally: number;
  /** Agent runs the oracle judged: all five events, all rules. */
  runsComplete: number;
  runsBroken: number;
  /** Messages sent while a dependency was broken, by what the user got. */
  faultMessagesCompleted: number;
  faultMessagesExplicitError: number;
  faultMessagesSilent: number;
}

export const emptyMetrics = (): SuccessMetrics => ({
  connectionsAttempted: 0,
  connectionsEstablished: 0,
  connectionsRefused: {},
  connectionsFailed: 0,
  connectionsFailedAsExpected: 0,
  closed1011: 0,
  closedAbnormally: 0,
  runsComplete: 0,
  runsBroken: 0,
  faultMessagesCompleted: 0,
  faultMessagesExplicitError: 0,
  faultMessagesSilent: 0,
});

/** Counters that are not connection counts live here; connection counts live in the ledger. */
export const outcomeCounters = { runsComplete: 0, runsBroken: 0, faultMessagesCompleted: 0, faultMessagesExplicitError: 0, faultMessagesSilent: 0 };

/** Everything counted so far in this process. */
export function currentMetrics(): SuccessMetrics {
  const ledger = connectionLedger;
  return {
    connectionsAttempted: ledger.attempts,
    connectionsEstablished: ledger.upgraded,
    connectionsRefused: Object.fromEntries([...ledger.refused].map(([status, count]) => [String(status), count])),
    connectionsFailed: ledger.failed,
    connectionsFailedAsExpected: ledger.failedAsExpected,
    closed1011: ledger.closedWith(CloseCode.InternalError),
    closedAbnormally: ledger.closedWith(CloseCode.Abnormal),
    ...outcomeCounters,
  };
}

/** What `after` added to `before`. */
export function metricsDelta(before: SuccessMetrics, after: SuccessMetrics): SuccessMetrics {
  const refused: Record<string, number> = {};
  for (const [status, count] of Object.entries(after.connectionsRefused)) {
    const added = count - (before.connectionsRefused[status] ?? 0);
    if (added > 0) refused[status] = added;
  }
  return {
    connectionsAttempted: after.connectionsAttempted - before.connectionsAttempted,
    connectionsEstablished: after.connectionsEstablished - before.connectionsEstablished,
    connectionsRefused: refused,
    connectionsFailed: after.connectionsFailed - before.connectionsFailed,
    connectionsFailedAsExpected: after.connectionsFailedAsExpected - before.connectionsFailedAsExpected,
    closed1011: after.closed1011 - before.closed1011,
    closedAbnormally: after.closedAbnormally - before.closedAbnormally,
    runsComplete: after.runsComplete - before.runsComplete,
    runsBroken: after.runsBroken - before.runsBroken,
    faultMessagesCompleted: after.faultMessagesCompleted - before.faultMessagesCompleted,
    faultMessagesExplicitError: after.faultMessagesExplicitError - before.faultMessagesExplicitError,
    faultMessagesSilent: after.faultMessagesSilent - before.faultMessagesSilent,
  };
}

export function addMetrics(total: SuccessMetrics, more: SuccessMetrics): SuccessMetrics {
  const refused = { ...total.connectionsRefused };
  for (const [status, count] of Object.entries(more.connectionsRefused)) refused[status] = (refused[status] ?? 0) + count;
  return {
    connectionsAttempted: total.connectionsAttempted + more.connectionsAttempted,
    connectionsEstablished: total.connectionsEstablished + more.connectionsEstablished,
    connectionsRefused: refused,
    connectionsFailed: total.connectionsFailed + more.connectionsFailed,
    connectionsFailedAsExpected: total.connectionsFailedAsExpected + more.connectionsFailedAsExpected,
    closed1011: total.closed1011 + more.closed1011,
    closedAbnormally: total.closedAbnormally + more.closedAbnormally,
    runsComplete: total.runsComplete + more.runsComplete,
    runsBroken: total.runsBroken + more.runsBroken,
    faultMessagesCompleted: total.faultMessagesCompleted + more.faultMessagesCompleted,
    faultMessagesExplicitError: total.faultMessagesExplicitError + more.faultMessagesExplicitError,
    faultMessagesSilent: total.faultMessagesSilent + more.faultMessagesSilent,
  };
}

const percent = (part: number, whole: number): string => (whole === 0 ? 'n/a (none)' : `${((100 * part) / whole).toFixed(2)}%`);

/** met: the target holds; missed: it does not; no_data: nothing was measured (nothing connected, no run watched), which is never "met". */
export type MetricState = 'met' | 'missed' | 'no_data';

/** One of the seed plan's success metrics: what was measured against its target. */
export interface MetricRow {
  readonly name: string;
  readonly value: string;
  readonly target: string;
  readonly state: MetricState;
  /** The measured share in percent, when there is one. */
  readonly percent: number | null;
}

const share = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((10_000 * part) / whole) / 100);
const judged = (measured: boolean, ok: boolean): MetricState => (!measured ? 'no_data' : ok ? 'met' : 'missed');

/** The seed plan's success metrics, each measured value beside its target; a metric with nothing to measure has no data. */
export function metricRows(metrics: SuccessMetrics): MetricRow[] {
  const refused = Object.values(metrics.connectionsRefused).reduce((sum, count) => sum + count, 0);
  const meant = metrics.connectionsAttempted - refused - metrics.connectionsFailedAsExpected;
  const runs = metrics.runsComplete + metrics.runsBroken;
  const faultMessages = metrics.faultMessagesCompleted + metrics.faultMessagesExplicitError + metrics.faultMessagesSilent;
  const established = metrics.connectionsEstablished;
  return [
    {
      name: 'WebSocket 1011 closes',
      value: `${metrics.closed1011} of ${established} connections (${percent(metrics.closed1011, established)})`,
      target: '0%',
      state: judged(established > 0, metrics.closed1011 === 0),
      percent: share(metrics.closed1011, established),
    },
    {
      name: 'abnormal closes (1006, no close frame)',
      value: `${metrics.closedAbnormally} of ${established} connections`,
      target: '0',
      state: judged(established > 0, metrics.closedAbnormally === 0),
      percent: share(metrics.closedAbnormally, established),
    },
    {
      name: 'chat sessions established',
      value: `${established} of ${meant} meant to connect (${percent(established, meant)})`,
      target: '≥ 99%',
      state: judged(meant > 0, meant > 0 && established / meant >= 0.99),
      percent: share(established, meant),
    },
    {
      name: 'agent runs with all five events, every rule',
      value: `${metrics.runsComplete} of ${runs} (${percent(metrics.runsComplete, runs)})`,
      target: '100%',
      state: judged(runs > 0, metrics.runsBroken === 0),
      percent: share(metrics.runsComplete, runs),
    },
    {
      name: 'messages during a fault answered (run or explicit error)',
      value: `${metrics.faultMessagesCompleted + metrics.faultMessagesExplicitError} of ${faultMessages} (${percent(faultMessages - metrics.faultMessagesSilent, faultMessages)}; ${metrics.faultMessagesSilent} silent)`,
      target: '100%',
      state: judged(faultMessages > 0, metrics.faultMessagesSilent === 0),
      percent: share(faultMessages - metrics.faultMessagesSilent, faultMessages),
    },
  ];
}

/** Every target met: true; one missed: false; none missed but some without data: null (not known, never "met"). */
export function targetsMet(rows: readonly MetricRow[]): boolean | null {
  if (rows.some((row) => row.state === 'missed')) return false;
  return rows.every((row) => row.state === 'met') ? true : null;
}

const MARK: Record<MetricState, string> = { met: '✓', missed: '✗', no_data: '–' };

/** The totals beside the seed plan's targets, as a small table. */
export function metricsReport(metrics: SuccessMetrics): { text: string; met: boolean | null; rows: MetricRow[] } {
  const rows = metricRows(metrics);
  const refused = Object.values(metrics.connectionsRefused).reduce((sum, count) => sum + count, 0);
  const refusedLine = refused === 0 ? 'none' : Object.entries(metrics.connectionsRefused).map(([status, count]) => `${count} × HTTP ${status}`).join(', ');
  const lines = [
    'Success metrics of this run (targets from the golden-path test plan; – no data: nothing of the kind was measured, which is not a pass)',
    ...rows.map((row) => `  ${MARK[row.state]} ${row.name.padEnd(58)} ${(row.state === 'no_data' ? `no data (${row.value})` : row.value).padEnd(44)} target ${row.target}`),
    `    connections refused before the upgrade, as scenarios expected: ${refusedLine}; could not connect: ${metrics.connectionsFailed}`,
  ];
  return { text: lines.join('\n'), met: targetsMet(rows), rows };
}
