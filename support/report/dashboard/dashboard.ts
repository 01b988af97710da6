import { existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { renderSvg } from '../charts/render';
import { VERIFY_SUITE_REPORT } from '../backend-under-test';
import type { FaultEvidence } from '../conformance';
import { PROJECT_ROOT } from '../../target/target-config';
import { capabilityChart, failureHistoryChart, trendChart, verdictChart } from './charts';
import { trendOf, type History } from './history';
import { dashboardHtml } from './html';
import type { Column } from './model';

/**
 * Renders the dashboard's charts (Vega-Lite → SVG) and its page. The
 * formatter calls it at the end of every run; `npm run report` for runs
 * read back from their message files.
 */
export async function dashboardPage(options: {
  readonly columns: readonly Column[];
  readonly history: History;
  /** The history file, relative to the page, for the reader. */
  readonly historyFile: string | undefined;
  readonly faults: readonly FaultEvidence[];
}): Promise<string> {
  const trend = trendOf(options.history);
  const failureHistory = failureHistoryChart(trend, options.history.names);
  const charts = {
    capabilities: await renderSvg(capabilityChart(options.columns)),
    verdicts: await renderSvg(verdictChart(options.columns)),
    ...(trend.runs.length > 0 ? { trend: await renderSvg(trendChart(trend)) } : {}),
    ...(failureHistory === undefined ? {} : { failureHistory: await renderSvg(failureHistory) }),
  };
  const evidence = options.faults.length > 0 && existsSync(VERIFY_SUITE_REPORT)
    ? { path: relative(PROJECT_ROOT, VERIFY_SUITE_REPORT), faults: options.faults.length, at: statSync(VERIFY_SUITE_REPORT).mtime.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') }
    : undefined;
  return dashboardHtml({ columns: options.columns, trend, charts, generatedAt: new Date().toISOString(), faultEvidence: evidence, historyFile: options.historyFile });
}
