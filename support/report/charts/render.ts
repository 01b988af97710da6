import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import type * as VegaModule from 'vega' with { 'resolution-mode': 'import' };
import type * as VegaLiteModule from 'vega-lite' with { 'resolution-mode': 'import' };

/**
 * Charts of the report: specified declaratively in Vega-Lite, compiled to
 * Vega and rendered to static SVG by Vega's headless renderer (no browser,
 * no canvas), at report time. Vega and Vega-Lite are ES modules, loaded on
 * first use (about half a second), so processes that draw nothing never pay.
 */
type Vega = typeof VegaModule;
type VegaLite = typeof VegaLiteModule;
type View = VegaModule.View;

/** A Vega-Lite specification (every chart of the report is one). */
export type ChartSpec = TopLevelSpec;

let loading: Promise<{ vega: Vega; vegaLite: VegaLite }> | undefined;

function libraries(): Promise<{ vega: Vega; vegaLite: VegaLite }> {
  loading ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => ({ vega, vegaLite }));
  return loading;
}

/** Starts loading Vega in the background (while a backend starts, say), so that the first chart does not wait for it. */
export function preloadCharts(): void {
  libraries().catch((error: unknown) => {
    // Reported here and again, as a rejection, by the first chart that needs it.
    process.stderr.write(`golden-path report: Vega could not be loaded: ${error instanceof Error ? error.message : String(error)}\n`);
  });
}

/** The look every chart of the report shares. */
export const CHART_CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  background: 'white',
  aria: false,
  view: { stroke: '#d0d7de' },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', labelColor: '#24292f', titleColor: '#57606a', gridColor: '#eaeef2' },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'bold', symbolSize: 70, labelLimit: 260, titleLimit: 300 },
  title: { fontSize: 13, anchor: 'start', subtitleFontSize: 11, subtitleColor: '#57606a', limit: 1000 },
} as const;

/** Renders a Vega-Lite spec to a standalone SVG document (compiled anew each time: for charts drawn once per run). */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const { vega, vegaLite } = await libraries();
  const view = new vega.View(vega.parse(vegaLite.compile({ config: CHART_CONFIG, ...spec }).spec), { renderer: 'none', logLevel: vega.Warn });
  try {
    return compact(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * A chart drawn many times with different data (a timeline per scenario):
 * compiled and parsed once (the costly part), then for each drawing its
 * named datasets replaced and its parameters set — Vega's own dataflow
 * re-runs only what changed. Drawings are made one at a time.
 */
export class ChartTemplate {
  private view: Promise<View> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** `spec` reads its data from named datasets (`data: { name }`) and its variable parts from `params`. */
  constructor(private readonly spec: ChartSpec) {}

  /** Compiles the chart now (in the background) so that the first drawing does not wait for it. */
  prepare(): void {
    this.ready().catch((error: unknown) => {
      process.stderr.write(`golden-path report: a chart could not be compiled: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  }

  render(data: Readonly<Record<string, readonly object[]>>, params: Readonly<Record<string, unknown>>): Promise<string> {
    const drawing = this.queue.then(async () => {
      const view = await this.ready();
      const { vega } = await libraries();
      for (const [name, values] of Object.entries(data)) view.change(name, vega.changeset().remove(vega.truthy).insert(values.map((value) => ({ ...value }))));
      for (const [name, value] of Object.entries(params)) view.signal(name, value);
      // The layout (axis labels, legends, title) of the new data changes the padding autosize computed for the
      // previous drawing: a second pass lays this drawing out on its own, or the last one's bounds would crop it.
      await view.runAsync();
      view.resize();
      await view.runAsync();
      return compact(await view.toSVG());
    });
    this.queue = drawing.catch(() => undefined); // the next drawing waits for this one, whatever became of it; its caller sees the failure
    return drawing;
  }

  private ready(): Promise<View> {
    this.view ??= libraries().then(({ vega, vegaLite }) => new vega.View(vega.parse(vegaLite.compile({ config: CHART_CONFIG, ...this.spec }).spec), { renderer: 'none', logLevel: vega.Warn }));
    return this.view;
  }
}

/**
 * A smaller SVG that draws the same (the report must stay small): coordinates
 * to one decimal (a tenth of a pixel is invisible); no class, role, aria or
 * pointer-events attributes (a static picture has no stylesheet, script or
 * reader of them: its texts are what it says); the font named once on the
 * root instead of on every text; and the XML prolog.
 */
function compact(svg: string): string {
  const font = ` font-family="${CHART_CONFIG.font}"`;
  const smaller = svg
    .replace(/ (class|role|aria-hidden|aria-roledescription|aria-label|pointer-events)="[^"]*"/g, '')
    .replace(/ opacity="1"/g, '')
    .split(font).join('')
    .replace('<svg ', `<svg${font} `)
    .replace(/="([^"]*)"/g, (_attribute, value: string) => `="${value.replace(/(\d+\.\d)\d+/g, '$1').replace(/(\d)\.0(?!\d)/g, '$1')}"`);
  return smaller.startsWith('<?xml') ? smaller : `<?xml version="1.0" encoding="UTF-8"?>\n${smaller}`;
}
