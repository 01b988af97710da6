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
      data: { name: 'samples' },
      mark: { type: 'bar', color: '#54aeff', binSpacing: 1 },
      encoding: {
        x: { ...X, field: 'ms', bin: { maxbins: 50 } },
        y: { aggregate: 'count', type: 'quantitative', axis: { title: 'users' } },
      },
    },
    {
      data: { name: 'marks' },
      mark: { type: 'rule', strokeWidth: 2 },
      encoding: {
        x: { ...X, field: 'ms' },
        color: { field: 'kind', type: 'nominal', scale: KIND, legend: { title: null, orient: 'top-right' } },
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

export function renderReadinessHistogram(samplesMs: readonly number[], summary: LatencySummary, targets: { p50Ms: number; p99Ms: number }, refused: number): Promise<string> {
  const marks = [
    { label: `p50 ${summary.p50Ms.toFixed(0)} ms`, ms: summary.p50Ms, kind: 'measured', row: 0 },
    { label: `p99 ${summary.p99Ms.toFixed(0)} ms`, ms: summary.p99Ms, kind: 'measured', row: 1 },
    { label: `target p50 ${targets.p50Ms} ms`, ms: targets.p50Ms, kind: 'target', row: 2 },
    { label: `target p99 ${targets.p99Ms} ms`, ms: targets.p99Ms, kind: 'target', row: 3 },
  ];
  const missed = summary.p50Ms > targets.p50Ms || summary.p99Ms > targets.p99Ms;
  return template.render(
    { samples: samplesMs.map((ms) => ({ ms })), marks },
    {
      xmax: Math.max(summary.maxMs, targets.p99Ms) * 1.08,
      titleText: `Time to a ready chat in the storm: ${summary.samples} users served${refused > 0 ? `, ${refused} not` : ''}`,
      subtitleText: `p50 ${summary.p50Ms.toFixed(1)} ms (target ${targets.p50Ms}), p99 ${summary.p99Ms.toFixed(1)} ms (target ${targets.p99Ms}), max ${summary.maxMs.toFixed(1)} ms: ${missed ? 'a target missed' : 'within the targets'}`,
    },
  );
}
