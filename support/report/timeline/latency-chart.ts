import { ChartTemplate, type ChartSpec } from '../charts/render';
import type { LatencySummary } from '../latency-summary';

/**
 * The latency histogram of a handshake storm: how long each member of the
 * crowd waited for connection_established, with the measured p50 and p99
 * (solid red) beside the profile's targets for them (dashed green).
 */
const KIND = { domain: ['measured', 'target'], range: ['#cf222e', '#1a7f37'] };
const X = { type: 'quantitative', scale: { domain: { expr: '[0, xmax]' }, nice: false }, axis: { title: 'time to connection_established (ms)' } } as const;

const SPEC = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  params: [
    { name: 'xmax', value: 1 },
    { name: 'titleText', value: '' },
    { name: 'subtitleText', value: '' },
  ],
  title: { text: { expr: 'titleText' }, subtitle: { expr: 'subtitleText' } },
  width: 620,
  height: 200,
  layer: [
    {
      data: { name: 'bins' },
      mark: { type: 'rect', color: '#54aeff', stroke: '#ffffff', strokeWidth: 0.5 },
      encoding: {
        x: { ...X, field: 'from' },
        x2: { field: 'to' },
        y: { field: 'count', type: 'quantitative', axis: { title: 'users', tickMinStep: 1 } },
      },
    },
    {
      data: { name: 'marks' },
      mark: { type: 'rule', strokeWidth: 2 },
      encoding: {
        x: { ...X, field: 'ms' },
        color: { field: 'kind', type: 'nominal', scale: KIND, legend: { title: null, orient: 'top', direction: 'horizontal' } },
        strokeDash: { field: 'kind', type: 'nominal', scale: { domain: KIND.domain, range: [[1, 0], [5, 3]] }, legend: null },
      },
    },
    {
      data: { name: 'marks' },
      mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, fontWeight: 'bold' },
      encoding: {
        x: { ...X, field: 'ms' },
        y: { field: 'row', type: 'ordinal', axis: null },
        text: { field: 'label' },
        color: { field: 'kind', type: 'nominal', scale: KIND, legend: null },
      },
    },
  ],
  resolve: { scale: { y: 'independent' } },
};

const template = new ChartTemplate(SPEC as unknown as ChartSpec);

/** Bins across the whole axis (to the slower of the slowest user and the p99 target), so that bars keep their width whatever the spread. */
const BINS = 60;

export function histogram(samplesMs: readonly number[], maxMs: number, bins: number): Array<{ from: number; to: number; count: number }> {
  const width = maxMs / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const ms of samplesMs) {
    const index = Math.min(bins - 1, Math.floor(ms / width));
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts.map((count, index) => ({ from: index * width, to: (index + 1) * width, count })).filter((bin) => bin.count > 0);
}

export function renderReadinessHistogram(samplesMs: readonly number[], summary: LatencySummary, targets: { p50Ms: number; p99Ms: number }, refused: number): Promise<string> {
  const marks = [
    { label: `p50 ${summary.p50Ms.toFixed(0)} ms`, ms: summary.p50Ms, kind: 'measured', row: 0 },
    { label: `p99 ${summary.p99Ms.toFixed(0)} ms`, ms: summary.p99Ms, kind: 'measured', row: 1 },
    { label: `target p50 ${targets.p50Ms} ms`, ms: targets.p50Ms, kind: 'target', row: 2 },
    { label: `target p99 ${targets.p99Ms} ms`, ms: targets.p99Ms, kind: 'target', row: 3 },
  ];
  const missed = summary.p50Ms > targets.p50Ms || summary.p99Ms > targets.p99Ms;
  const xmax = Math.max(summary.maxMs, targets.p99Ms) * 1.08;
  return template.render(
    { bins: histogram(samplesMs, xmax, BINS), marks },
    {
      xmax,
      titleText: `Time to a ready chat in the storm: ${summary.samples} users served${refused > 0 ? `, ${refused} not` : ''}`,
      subtitleText: `p50 ${summary.p50Ms.toFixed(1)} ms (target ${targets.p50Ms}), p99 ${summary.p99Ms.toFixed(1)} ms (target ${targets.p99Ms}), max ${summary.maxMs.toFixed(1)} ms: ${missed ? 'a target missed' : 'within the targets'}`,
    },
  );
}
