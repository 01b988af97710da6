import type { ChartSpec } from '../charts/render';
import type { Trend } from './history';
import type { Column } from './model';

/**
 * The dashboard's charts, as Vega-Lite specifications (rendered to static
 * SVG at report time by charts/render.ts): the capabilities' scenarios, the
 * rule verdicts per protocol section, and the trend of the last runs.
 * Several backends are drawn side by side as grouped bars.
 */
const STATUS = {
  domain: ['passed', 'failed', 'not run'],
  range: ['#2da44e', '#cf222e', '#afb8c1'],
};
const VERDICT = {
  domain: ['pass', 'fail', 'not run', 'unchecked'],
  range: ['#2da44e', '#cf222e', '#afb8c1', '#eaeef2'],
};
const LETTER = {
  domain: ['passed', 'failed', 'skipped / not run', 'undefined / pending', 'did not run'],
  range: ['#2da44e', '#cf222e', '#afb8c1', '#bf8700', '#ffffff'],
};

const grouped = (columns: readonly Column[]): object => (columns.length > 1 ? { yOffset: { field: 'backend', type: 'nominal', sort: columns.map((column) => column.label), title: 'backend' } } : {});
const backendLegend = (columns: readonly Column[]): object => (columns.length > 1 ? { opacity: { field: 'backend', type: 'nominal', sort: columns.map((column) => column.label), scale: { range: columns.map((_, index) => 1 - (0.45 * index) / Math.max(1, columns.length - 1)) }, legend: { title: 'backend', orient: 'bottom', direction: 'vertical', labelLimit: 600 } } } : {});

/** Each capability's scenarios: passed, failed, not run. */
export function capabilityChart(columns: readonly Column[]): ChartSpec {
  const values = columns.flatMap((column) => column.capabilities.flatMap((capability) => [
    { capability: capability.short, backend: column.label, status: 'passed', count: capability.passed },
    { capability: capability.short, backend: column.label, status: 'failed', count: capability.failed },
    { capability: capability.short, backend: column.label, status: 'not run', count: capability.notRun },
  ]));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Scenarios per capability', subtitle: 'the seed plan\'s four critical issues (#1–#4), then the attack surface and isolation' },
    data: { values },
    width: 520,
    height: { step: columns.length > 1 ? 12 * columns.length : 22 },
    mark: { type: 'bar', tooltip: false },
    encoding: {
      y: { field: 'capability', type: 'nominal', sort: null, axis: { title: null, labelLimit: 400 } },
      x: { field: 'count', type: 'quantitative', stack: 'zero', axis: { title: 'scenarios', tickMinStep: 1 } },
      color: { field: 'status', type: 'nominal', scale: STATUS, legend: { title: null, orient: 'bottom', direction: 'horizontal' } },
      order: { field: 'status', sort: 'ascending' },
      ...grouped(columns),
      ...backendLegend(columns),
    },
  } as unknown as ChartSpec;
}

/** Rule verdicts per protocol section (and the profile's targets). */
export function verdictChart(columns: readonly Column[]): ChartSpec {
  const values = columns.flatMap((column) => {
    const counts = new Map<string, number>();
    for (const rule of column.conformance.rules) {
      const verdict = rule.verdict === 'not_run' ? 'not run' : rule.verdict;
      const section = rule.section === 'profile' ? 'targets' : rule.section;
      counts.set(`${section}|${verdict}`, (counts.get(`${section}|${verdict}`) ?? 0) + 1);
    }
    return [...counts].map(([key, count]) => {
      const [section, verdict] = key.split('|');
      return { section, verdict, count, backend: column.label };
    });
  });
  const sections = [...new Set(columns[0]?.conformance.rules.map((rule) => (rule.section === 'profile' ? 'targets' : rule.section)) ?? [])];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Rule verdicts by section of the protocol', subtitle: '"targets": the suite\'s service-level targets, which the protocol does not state' },
    data: { values },
    width: 520,
    height: { step: columns.length > 1 ? 10 * columns.length : 18 },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'section', type: 'nominal', sort: sections, axis: { title: null } },
      x: { field: 'count', type: 'quantitative', stack: 'zero', axis: { title: 'rules', tickMinStep: 1 } },
      color: { field: 'verdict', type: 'nominal', scale: VERDICT, legend: { title: null, orient: 'bottom', direction: 'horizontal' } },
      order: { field: 'verdict', sort: 'descending' },
      ...grouped(columns),
      ...backendLegend(columns),
    },
  } as unknown as ChartSpec;
}

/** The last runs of this backend: how many scenarios passed and failed in each. */
export function trendChart(trend: Trend): ChartSpec {
  const values = trend.runs.flatMap((run, index) => {
    const letters = Object.values(run.statuses);
    const label = `#${index + 1} ${run.at.slice(5, 16).replace('T', ' ')}`;
    return [
      { run: label, status: 'passed', count: letters.filter((value) => value === 'P').length },
      { run: label, status: 'failed', count: letters.filter((value) => value === 'F' || value === 'U').length },
      { run: label, status: 'not run', count: letters.filter((value) => value === 'S').length },
    ];
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `The last ${trend.runs.length} run${trend.runs.length === 1 ? '' : 's'} of this backend`, subtitle: 'scenarios per run (UTC)' },
    data: { values },
    width: { step: 38 },
    height: 160,
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'run', type: 'ordinal', sort: null, axis: { title: null, labelAngle: -40 } },
      y: { field: 'count', type: 'quantitative', stack: 'zero', axis: { title: 'scenarios' } },
      color: { field: 'status', type: 'nominal', scale: STATUS, legend: { title: null, orient: 'bottom', direction: 'horizontal' } },
      order: { field: 'status', sort: 'ascending' },
    },
  } as unknown as ChartSpec;
}

/** The scenarios that failed at least once in the window, run by run. */
export function failureHistoryChart(trend: Trend, names: Readonly<Record<string, string>>, limit = 30): ChartSpec | undefined {
  const keys = [...new Set(trend.runs.flatMap((run) => Object.entries(run.statuses).filter(([, value]) => value === 'F' || value === 'U').map(([key]) => key)))].slice(0, limit);
  if (keys.length === 0) return undefined;
  const word = { P: 'passed', F: 'failed', S: 'skipped / not run', U: 'undefined / pending' } as const;
  const values = trend.runs.flatMap((run, index) => keys.map((key) => {
    const seen = run.statuses[key];
    const name = names[key] ?? key;
    return { run: `#${index + 1}`, scenario: name.length > 70 ? `${name.slice(0, 69)}…` : name, status: seen === undefined ? 'did not run' : word[seen] };
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Scenarios that failed in the window, run by run', subtitle: 'a row that changes colour back and forth is flaky' },
    data: { values },
    width: { step: 22 },
    height: { step: 16 },
    mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 1 },
    encoding: {
      x: { field: 'run', type: 'ordinal', sort: null, axis: { title: 'run', labelAngle: 0 } },
      y: { field: 'scenario', type: 'nominal', sort: null, axis: { title: null, labelLimit: 420 } },
      color: { field: 'status', type: 'nominal', scale: LETTER, legend: { title: null, orient: 'bottom', direction: 'horizontal' } },
    },
  } as unknown as ChartSpec;
}
