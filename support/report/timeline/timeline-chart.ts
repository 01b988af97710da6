import { ChartTemplate, type ChartSpec } from '../charts/render';
import type { RunOutcome, TimelineModel, WindowKind } from './model';

/**
 * The timeline of one scenario, as a Vega-Lite specification: lanes on the
 * y axis, seconds from the scenario's start on the x axis; fault windows
 * shaded across every lane, runs as bars, frames as marks coloured by type
 * (sent frames as triangles), quiet gaps and close codes labelled. One
 * template, compiled once per process; each scenario supplies its datasets
 * and parameters (lanes, time range, title).
 */

/** Frame types with a colour of their own; any other received frame is "other", any other sent one "→ other". */
const FRAME_COLOURS: ReadonlyArray<readonly [string, string]> = [
  ['connection_established', '#0969da'],
  ['message_accepted', '#8250df'],
  ['agent_started', '#1a7f37'],
  ['agent_thinking', '#4ac26b'],
  ['tool_executing', '#bf8700'],
  ['tool_completed', '#e3b341'],
  ['agent_completed', '#0b4f24'],
  ['error', '#cf222e'],
  ['pong', '#8c959f'],
  ['other', '#6e7781'],
  ['→ user_message', '#54aeff'],
  ['→ ping', '#a5d6ff'],
  ['→ resume', '#218bff'],
  ['→ raw text', '#80ccff'],
  ['→ binary', '#80ccff'],
  ['→ fragmented', '#80ccff'],
  ['→ other', '#80ccff'],
];
const FRAME_TYPES = FRAME_COLOURS.map(([type]) => type);

const SHADE_COLOURS: ReadonlyArray<readonly [WindowKind | RunOutcome, string]> = [
  ['run completed', '#aceebb'],
  ['run ended in error', '#ffb77c'],
  ['run unfinished', '#ff8182'],
  ['database cut', '#ff8182'],
  ['database blackholed', '#fd8c73'],
  ['database slow', '#f5d36b'],
  ['cache down', '#d8b9ff'],
  ['cache blackholed', '#c297ff'],
  ['cache slow', '#e8d6ff'],
  ['restart', '#80ccff'],
  ['shutdown', '#b6e3ff'],
  ['crash', '#ff6a69'],
];

const CLOSE_COLOURS: Record<string, string> = { '1000': '#57606a', '1001': '#0969da', '1011': '#cf222e', '1006': '#cf222e' };

/** The legend's name for a frame type. */
export function legendType(type: string): string {
  if (type.startsWith('→ ')) {
    const sent = `→ ${type.slice(2).replace(/^\((.*)\)$/, '$1')}`;
    return FRAME_TYPES.includes(sent) ? sent : '→ other';
  }
  return FRAME_TYPES.includes(type) ? type : 'other';
}

const X = { field: 't', type: 'quantitative', scale: { domain: { expr: '[xmin, xmax]' }, nice: false, zero: false }, axis: { title: "seconds from the scenario's start", grid: true, tickCount: 12 } } as const;
const Y = { field: 'lane', type: 'nominal', sort: null, scale: { domain: { expr: 'lanes' } }, axis: { title: null, labelLimit: 260, labelFontSize: 11 } } as const;
const FILL = {
  field: 'shade',
  type: 'nominal',
  scale: { domain: SHADE_COLOURS.map(([shade]) => shade), range: SHADE_COLOURS.map(([, colour]) => colour) },
  legend: { title: null, orient: 'bottom', direction: 'horizontal', columns: 6, values: { expr: 'shades' }, symbolOpacity: 0.85 },
} as const;
const COLOUR = {
  field: 'type',
  type: 'nominal',
  scale: { domain: FRAME_TYPES, range: FRAME_COLOURS.map(([, colour]) => colour) },
} as const;

const SPEC = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  params: [
    { name: 'lanes', value: [] },
    { name: 'xmin', value: 0 },
    { name: 'xmax', value: 1 },
    { name: 'titleText', value: '' },
    { name: 'subtitleText', value: '' },
    { name: 'frameTypes', value: [] },
    { name: 'shades', value: [] },
  ],
  title: { text: { expr: 'titleText' }, subtitle: { expr: 'subtitleText' } },
  width: 860,
  height: { step: 26 },
  resolve: { scale: { color: 'independent' } },
  layer: [
    // Fault windows, across every lane, named above it.
    { data: { name: 'windows' }, mark: { type: 'rect', opacity: 0.35 }, encoding: { x: { ...X, field: 'from' }, x2: { field: 'to' }, fill: FILL } },
    { data: { name: 'windows' }, mark: { type: 'text', baseline: 'bottom', dy: -2, fontSize: 10, fontWeight: 'bold', color: '#57606a' }, encoding: { x: { ...X, field: 'mid' }, y: { value: 0 }, text: { field: 'kind' } } },
    // The end of the scenario's steps: what follows is clean-up.
    { data: { name: 'end' }, mark: { type: 'rule', strokeDash: [2, 3], color: '#8c959f' }, encoding: { x: X } },
    // Each connection from open to close.
    { data: { name: 'lifelines' }, mark: { type: 'rule', color: '#afb8c1', strokeWidth: 1.5 }, encoding: { x: { ...X, field: 'from' }, x2: { field: 'to' }, y: Y } },
    // Runs: a bar from message_accepted to agent_completed.
    { data: { name: 'runs' }, mark: { type: 'bar', height: { band: 0.5 }, cornerRadius: 2 }, encoding: { x: { ...X, field: 'from' }, x2: { field: 'to' }, y: Y, fill: FILL, opacity: { field: 'opacity', type: 'quantitative', scale: null } } },
    // Quiet gaps inside runs.
    { data: { name: 'gaps' }, mark: { type: 'rule', strokeWidth: 3 }, encoding: { x: { ...X, field: 'from' }, x2: { field: 'to' }, y: Y, color: { field: 'colour', type: 'nominal', scale: null } } },
    { data: { name: 'gaps' }, mark: { type: 'text', dy: -10, fontSize: 10, fontWeight: 'bold' }, encoding: { x: { ...X, field: 'mid' }, y: Y, text: { field: 'label' }, color: { field: 'colour', type: 'nominal', scale: null } } },
    // Frames, one mark each (a summarised lane: one per time bin and type, sized by how many), received as circles, sent as triangles.
    {
      data: { name: 'frames' },
      mark: { type: 'point', filled: true, opacity: 0.85, strokeWidth: 0 },
      encoding: {
        x: X, y: Y,
        color: { ...COLOUR, legend: { title: 'frames (→ sent by the suite)', orient: 'bottom', direction: 'horizontal', columns: 6, values: { expr: 'frameTypes' } } },
        shape: { field: 'direction', type: 'nominal', scale: { domain: ['received', 'sent'], range: ['circle', 'triangle-right'] }, legend: null },
        size: { field: 'size', type: 'quantitative', scale: null },
      },
    },
    // Close codes.
    { data: { name: 'closes' }, mark: { type: 'tick', thickness: 2, size: 14, color: '#24292f' }, encoding: { x: X, y: Y } },
    {
      data: { name: 'closes' },
      mark: { type: 'text', dy: 12, fontSize: 9, fontWeight: 'bold' },
      encoding: { x: X, y: Y, text: { field: 'label' }, color: { field: 'code', type: 'nominal', scale: { domain: Object.keys(CLOSE_COLOURS), range: Object.values(CLOSE_COLOURS), unknown: '#9a6700' }, legend: null } },
    },
    // Refused handshakes.
    { data: { name: 'refusals' }, mark: { type: 'point', shape: 'cross', filled: true, size: 90, color: '#cf222e' }, encoding: { x: X, y: Y } },
    { data: { name: 'refusals' }, mark: { type: 'text', dx: 7, align: 'left', fontSize: 10, color: '#cf222e' }, encoding: { x: X, y: Y, text: { field: 'label' } } },
  ],
};

const template = new ChartTemplate(SPEC as unknown as ChartSpec);

/** Compiles the timeline chart in the background. */
export function prepareTimelineChart(): void {
  template.prepare();
}

/** The spec itself (for tests and for readers). */
export const TIMELINE_SPEC: ChartSpec = SPEC as unknown as ChartSpec;

/** Individual frames are this big (px²); a summarised bin grows with its count. */
const FRAME_SIZE = 40;

export function renderTimeline(model: TimelineModel, title: string): Promise<string> {
  const { data, params } = timelineDrawing(model, title);
  return template.render(data, params);
}

/** The datasets and parameters of one scenario's timeline. */
export function timelineDrawing(model: TimelineModel, title: string): { data: Record<string, readonly object[]>; params: Record<string, unknown> } {
  const frames = [
    ...model.frames.map((frame) => ({ lane: frame.lane, t: frame.t, type: legendType(frame.type), direction: frame.direction, size: FRAME_SIZE })),
    ...model.frameBins.map((bin) => ({ lane: bin.lane, t: bin.t, type: legendType(bin.type), direction: bin.type.startsWith('→ ') ? 'sent' : 'received', size: Math.min(320, 16 + 12 * Math.sqrt(bin.count)) })),
  ];
  const present = new Set(frames.map((frame) => frame.type));
  const shades = new Set<string>([...model.runs.map((run) => run.outcome), ...model.windows.map((window) => window.kind)]);
  const first = Math.min(model.span, ...model.lifelines.map((line) => line.from), ...frames.map((frame) => frame.t), ...model.refusals.map((refusal) => refusal.t), ...model.windows.map((window) => window.from));
  const xmin = Math.max(0, first - (model.span - first) * 0.03);
  const parts = [
    `${model.counts.connections} connection${model.counts.connections === 1 ? '' : 's'}`,
    `${model.counts.frames} frames`,
    `${model.counts.runs} run${model.counts.runs === 1 ? '' : 's'}`,
    ...(model.counts.refusals > 0 ? [`${model.counts.refusals} refused handshake${model.counts.refusals === 1 ? '' : 's'}`] : []),
    ...(model.gaps.length > 0 ? [`${model.gaps.length} quiet gap${model.gaps.length === 1 ? '' : 's'} labelled`] : []),
  ];
  return {
    data: {
      windows: model.windows.map((window) => ({ ...window, shade: window.kind })),
      end: [{ t: model.endOfSteps }],
      lifelines: model.lifelines,
      runs: model.runs.map((run) => ({ ...run, shade: run.outcome, opacity: run.summary ? 0.25 : 0.85 })),
      gaps: model.gaps.map((gap) => ({ ...gap, colour: gap.breaksProtocol ? '#cf222e' : '#9a6700' })),
      frames,
      closes: model.closes,
      refusals: model.refusals,
    },
    params: {
      lanes: model.lanes.map((lane) => lane.name),
      xmin,
      xmax: model.span + (model.span - xmin) * 0.02,
      titleText: title.length > 120 ? `${title.slice(0, 119)}…` : title,
      subtitleText: `${parts.join(', ')}. Dashed line: the steps end; clean-up follows.${model.lanes.some((lane) => lane.kind === 'summary') ? ' A summarised lane has one mark per frame type and time slice, bigger for more frames.' : ''}`,
      frameTypes: FRAME_TYPES.filter((type) => present.has(type)),
      shades: SHADE_COLOURS.map(([shade]) => shade).filter((shade) => shades.has(shade)),
    },
  };
}
