/** reports/soak.json, the printed table, and the RSS-over-time plot (SVG, vega-lite rendered by vega). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Outage } from './outages';
import type { Sample } from './sampler';

export interface SoakReport {
  readonly minutes: number;
  readonly messages_accepted: number;
  readonly runs_completed: number;
  readonly runs_failed_explicitly: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly closes_1011: number;
  readonly abnormal_closes: number;
  readonly rss_mb_start: number | null;
  readonly rss_mb_after_first_minute: number | null;
  readonly rss_mb_end: number | null;
  readonly rss_mb_max: number | null;
  /** (end − after the first minute) / after the first minute, in %. */
  readonly rss_end_vs_first_minute_pct: number | null;
  readonly heap_mb_start: number | null;
  readonly heap_mb_end: number | null;
  readonly heap_mb_max: number | null;
  readonly heap: string;
  readonly fds_start: number | null;
  readonly fds_end: number | null;
  readonly fds_max: number | null;
  readonly fd_kinds_start: Record<string, number> | null;
  readonly fd_kinds_end: Record<string, number> | null;
  readonly pg_connections_start: number | null;
  readonly pg_connections_end: number | null;
  readonly pg_connections_max: number | null;
  readonly violations: number;
  readonly verdict: 'pass' | 'fail';
  readonly failed_because: string[];
  readonly [key: string]: unknown;
}

type Figure = (sample: Sample) => number | null;

/** Sum over instances of one figure; null when any instance lacks it. */
export function total(sample: Sample, pick: (instance: Sample['instances'][string]) => number | null): number | null {
  let sum = 0;
  for (const instance of Object.values(sample.instances)) {
    const value = pick(instance);
    if (value === null) return null;
    sum += value;
  }
  return Math.round(sum * 10) / 10;
}

export const rssOf: Figure = (s) => total(s, (i) => i.rssMb);
export const heapOf: Figure = (s) => total(s, (i) => i.heapUsedMb);
export const fdsOf: Figure = (s) => total(s, (i) => i.fds);

export function maxOf(samples: readonly Sample[], figure: Figure): number | null {
  const values = samples.map(figure).filter((v): v is number => v !== null);
  return values.length === 0 ? null : Math.max(...values);
}

export function sumKinds(sample: Sample | undefined): Record<string, number> | null {
  if (sample === undefined) return null;
  const kinds: Record<string, number> = {};
  for (const instance of Object.values(sample.instances)) {
    if (instance.fdKinds === null) return null;
    for (const [kind, n] of Object.entries(instance.fdKinds)) kinds[kind] = (kinds[kind] ?? 0) + n;
  }
  return kinds;
}

export function writeJson(path: string, report: SoakReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}

const cell = (value: number | null, unit = ''): string => (value === null ? 'n/a' : `${value}${unit}`);

function table(rows: string[][]): string {
  const widths = rows.reduce<number[]>((acc, row) => row.map((c, i) => Math.max(acc[i] ?? 0, c.length)), []);
  return rows.map((row) => '  ' + row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('   ')).join('\n');
}

export function formatTable(report: SoakReport, svgPath: string | undefined): string {
  const kinds = (k: Record<string, number> | null): string => (k === null ? 'n/a' : Object.entries(k).sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${n}`).join(', '));
  const lines = [
    '',
    `Golden Path soak: ${String(report.target)} — ${report.minutes} min of traffic, ${String(report.instances_count)} instance(s)`,
    '',
    table([
      ['', 'value'],
      ['messages accepted', String(report.messages_accepted)],
      ['runs completed / failed explicitly', `${report.runs_completed} / ${report.runs_failed_explicitly}`],
      ['LOST', String(report.lost)],
      ['DUPLICATED', String(report.duplicated)],
      ['closes 1011 / abnormal (1006)', `${report.closes_1011} / ${report.abnormal_closes}`],
      ['other protocol violations', String(report.violations)],
      ['RSS MB start → 1st min → end (max)', `${cell(report.rss_mb_start)} → ${cell(report.rss_mb_after_first_minute)} → ${cell(report.rss_mb_end)} (${cell(report.rss_mb_max)})`],
      ['RSS end vs after 1st minute', cell(report.rss_end_vs_first_minute_pct, ' %')],
      ['heap MB start → end (max)', report.heap_mb_start === null ? report.heap : `${cell(report.heap_mb_start)} → ${cell(report.heap_mb_end)} (${cell(report.heap_mb_max)})`],
      ['open fds start → end (max)', `${cell(report.fds_start)} → ${cell(report.fds_end)} (${cell(report.fds_max)})`],
      ['PostgreSQL connections start → end (max)', `${cell(report.pg_connections_start)} → ${cell(report.pg_connections_end)} (${cell(report.pg_connections_max)})`],
    ]),
    `  fds at start: ${kinds(report.fd_kinds_start)}`,
    `  fds at end:   ${kinds(report.fd_kinds_end)}`,
  ];
  if (svgPath !== undefined) lines.push(`  RSS over time: ${svgPath}`);
  lines.push('', report.verdict === 'pass' ? 'PASS: nothing lost, nothing duplicated' : `FAIL: ${report.failed_because.join('; ')}`);
  return lines.join('\n');
}

interface VegaModule {
  View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
  parse(spec: unknown): unknown;
}
interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown };
}

/** RSS (and heap, when exposed) of each instance over time, outages shaded. */
export async function writeRssPlot(path: string, samples: readonly Sample[], outages: readonly Outage[], origin: number, title: string): Promise<void> {
  // vega and vega-lite are ES modules; a real dynamic import loads them from CommonJS.
  const vega = (await import('vega')) as unknown as VegaModule;
  const vegaLite = (await import('vega-lite')) as unknown as VegaLiteModule;
  const points = samples.flatMap((sample) =>
    Object.entries(sample.instances).flatMap(([name, figures]) => [
      ...(figures.rssMb === null ? [] : [{ t: sample.t, mb: figures.rssMb, series: `instance ${name}: RSS` }]),
      ...(figures.heapUsedMb === null ? [] : [{ t: sample.t, mb: figures.heapUsedMb, series: `instance ${name}: heap used` }]),
    ]),
  );
  const windows = outages.map((o) => ({
    from: Math.round((o.startedAt - origin) / 100) / 10,
    to: Math.round(((o.endedAt ?? o.startedAt) - origin) / 100) / 10,
    label: `${o.kind} outage`,
  }));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 720,
    height: 320,
    layer: [
      {
        data: { values: windows },
        mark: { type: 'rect', opacity: 0.15, color: '#d62728' },
        encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
      },
      {
        data: { values: windows },
        mark: { type: 'text', align: 'left', dx: 3, dy: 8, baseline: 'top', fontSize: 10, color: '#d62728' },
        encoding: { x: { field: 'from', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      },
      {
        data: { values: points },
        mark: { type: 'line', point: { size: 12 } },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'seconds since the traffic began' },
          y: { field: 'mb', type: 'quantitative', title: 'MB', scale: { zero: true } },
          color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 400 } },
        },
      },
    ],
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg);
}
