/**
 * What a scenario's timeline shows, computed from what its actors saw: one
 * lane per connection (a crowd, or a user with very many tabs, summarised in
 * one lane), every frame at its time with its type, each run as a bar from
 * message_accepted to agent_completed, the quiet gaps inside runs, refused
 * handshakes, close codes and the windows in which a fault was in force.
 * Pure: observations in, chart data out (times in seconds from the
 * scenario's start); the chart itself is in timeline-chart.ts.
 */

/** A frame as the timeline needs it. */
export interface ObservedFrame {
  /** performance.now() */
  readonly at: number;
  /** The frame's type ('(unparsable)' when it was not a JSON object). */
  readonly type: string;
  /** The run it belongs to: run_id of a run event, data.run_id of a message_accepted. */
  readonly runId?: string;
  /** agent_completed: data.status. */
  readonly status?: string;
  /** error: data.code. */
  readonly code?: string;
}

export interface ObservedConnection {
  readonly label: string;
  /** Who opened it (a user's name). */
  readonly owner: string;
  /** One of a crowd: summarised with the rest of it. */
  readonly inCrowd: boolean;
  readonly connectStartedAt: number;
  readonly openedAt: number;
  readonly sent: readonly ObservedFrame[];
  readonly received: readonly ObservedFrame[];
  readonly close?: { readonly at: number; readonly code: number; readonly reason: string };
}

/** A handshake that never became a connection. */
export interface ObservedRefusal {
  readonly label: string;
  readonly owner: string;
  readonly inCrowd: boolean;
  readonly at: number;
  /** "HTTP 401", "no answer". */
  readonly what: string;
}

export type WindowKind = 'database cut' | 'database blackholed' | 'database slow' | 'cache down' | 'cache blackholed' | 'cache slow' | 'restart' | 'shutdown' | 'crash';

export interface FaultWindow {
  readonly kind: WindowKind;
  readonly from: number;
  /** Open-ended when the fault lasted to the end of the scenario. */
  readonly to?: number;
}

export interface TimelineInput {
  /** performance.now() at the scenario's start. */
  readonly origin: number;
  /** When the scenario's own steps ended (the clean-up that follows is drawn, after a marker). */
  readonly endAt: number;
  readonly connections: readonly ObservedConnection[];
  readonly refusals: readonly ObservedRefusal[];
  readonly windows: readonly FaultWindow[];
  /** A quiet gap inside a run longer than this is drawn and labelled (the profile's replyWithinMs). */
  readonly quietThresholdMs: number;
  /** A gap longer than this breaks the protocol (the profile's maxEventGapMs): drawn in red. */
  readonly maxGapMs: number;
}

export type LaneKind = 'connection' | 'summary' | 'handshake';

export interface Lane {
  readonly name: string;
  readonly kind: LaneKind;
}

export type RunOutcome = 'run completed' | 'run ended in error' | 'run unfinished';

export interface TimelineModel {
  readonly lanes: readonly Lane[];
  readonly lifelines: ReadonlyArray<{ lane: string; from: number; to: number }>;
  /** Frames of per-connection lanes, one mark each. */
  readonly frames: ReadonlyArray<{ lane: string; t: number; type: string; direction: 'received' | 'sent' }>;
  /** Frames of summary lanes: counts per time bin and type. */
  readonly frameBins: ReadonlyArray<{ lane: string; t: number; type: string; count: number }>;
  readonly runs: ReadonlyArray<{ lane: string; from: number; to: number; outcome: RunOutcome; summary: boolean }>;
  readonly gaps: ReadonlyArray<{ lane: string; from: number; to: number; mid: number; label: string; breaksProtocol: boolean }>;
  /** Close codes; on a summarised lane one tick per time bin, the code and its total labelled once. */
  readonly closes: ReadonlyArray<{ lane: string; t: number; code: string; count: number; label: string }>;
  readonly refusals: ReadonlyArray<{ lane: string; t: number; label: string }>;
  readonly windows: ReadonlyArray<{ kind: WindowKind; from: number; to: number; mid: number }>;
  /** The scenario's steps ended here (seconds); what follows is its clean-up. */
  readonly endOfSteps: number;
  readonly span: number;
  readonly counts: { readonly connections: number; readonly frames: number; readonly runs: number; readonly refusals: number };
}

/** Above this many connections (or refused handshakes), one user's are summarised in one lane. */
export const MAX_LANES_PER_USER = 8;
/** Above this many lanes in all, every user's connections are summarised per user. */
export const MAX_LANES = 24;
/** Time bins of a summary lane. */
const BINS = 80;
/** A summary lane draws at most this many run bars. */
const MAX_SUMMARY_RUNS = 300;

const seconds = (at: number, origin: number): number => Math.round(at - origin) / 1000;

/** "Guest17" → "Guest": crowd members are named prefix + number. */
export const crowdName = (owner: string): string => owner.replace(/\d+$/, '');

export function timelineModel(input: TimelineInput): TimelineModel {
  const s = (at: number): number => seconds(at, input.origin);
  const lastAt = Math.max(
    input.endAt,
    ...input.connections.flatMap((connection) => [connection.openedAt, connection.close?.at ?? 0, ...connection.received.map((frame) => frame.at), ...connection.sent.map((frame) => frame.at)]),
    ...input.refusals.map((refusal) => refusal.at),
    ...input.windows.map((window) => window.to ?? 0),
  );
  const span = Math.max(s(lastAt), 0.001);

  // Which lane each connection and refusal goes to.
  const perUser = new Map<string, number>();
  for (const item of [...input.connections, ...input.refusals]) if (!item.inCrowd) perUser.set(item.owner, (perUser.get(item.owner) ?? 0) + 1);
  const individual = [...perUser.values()].filter((count) => count <= MAX_LANES_PER_USER).reduce((sum, count) => sum + count, 0);
  const tooMany = individual + [...perUser.values()].filter((count) => count > MAX_LANES_PER_USER).length > MAX_LANES;
  const summaryOf = (item: { owner: string; inCrowd: boolean }): string | undefined => {
    if (item.inCrowd) return `crowd: ${crowdName(item.owner)}…`;
    if (tooMany || (perUser.get(item.owner) ?? 0) > MAX_LANES_PER_USER) return `${item.owner}: all tabs`;
    return undefined;
  };
  const lanes: Lane[] = [];
  const laneNamed = (name: string, kind: LaneKind): string => {
    if (!lanes.some((lane) => lane.name === name)) lanes.push({ name, kind });
    return name;
  };
  const summaryCounts = new Map<string, { users: Set<string>; connections: number; refused: number }>();
  const laneOf = (item: { label: string; owner: string; inCrowd: boolean }, kind: 'connection' | 'handshake'): string => {
    const summary = summaryOf(item);
    if (summary === undefined) return laneNamed(item.label, kind);
    const counts = summaryCounts.get(summary) ?? { users: new Set<string>(), connections: 0, refused: 0 };
    counts.users.add(item.owner);
    if (kind === 'connection') counts.connections += 1;
    else counts.refused += 1;
    summaryCounts.set(summary, counts);
    return laneNamed(summary, 'summary');
  };

  const items = [
    ...input.connections.map((connection) => ({ at: connection.connectStartedAt, connection, refusal: undefined })),
    ...input.refusals.map((refusal) => ({ at: refusal.at, connection: undefined, refusal })),
  ].sort((a, b) => a.at - b.at);

  const lifelines: Array<TimelineModel['lifelines'][number]> = [];
  const frames: Array<TimelineModel['frames'][number]> = [];
  const bins = new Map<string, { lane: string; t: number; type: string; count: number }>();
  const runs: Array<TimelineModel['runs'][number]> = [];
  const gaps: Array<TimelineModel['gaps'][number]> = [];
  const closes = new Map<string, { lane: string; t: number; code: string; count: number }>();
  const refusals: Array<TimelineModel['refusals'][number]> = [];
  const binWidth = span / BINS;
  const binOf = (t: number): number => Math.round((Math.min(BINS - 1, Math.floor(t / binWidth)) + 0.5) * binWidth * 1000) / 1000;
  let summaryRuns = 0;

  for (const { connection, refusal } of items) {
    if (refusal !== undefined) {
      const lane = laneOf(refusal, 'handshake');
      refusals.push({ lane, t: s(refusal.at), label: refusal.what });
      continue;
    }
    if (connection === undefined) continue;
    const lane = laneOf(connection, 'connection');
    const summarised = lanes.find((candidate) => candidate.name === lane)?.kind === 'summary';
    const end = connection.close?.at ?? lastAt;
    if (!summarised) lifelines.push({ lane, from: s(connection.openedAt), to: s(end) });
    const all = [
      ...connection.received.map((frame) => ({ frame, direction: 'received' as const })),
      ...connection.sent.map((frame) => ({ frame, direction: 'sent' as const })),
    ];
    for (const { frame, direction } of all) {
      const type = direction === 'sent' ? `→ ${frame.type}` : frame.type;
      if (!summarised) {
        frames.push({ lane, t: s(frame.at), type, direction });
        continue;
      }
      const t = binOf(s(frame.at));
      const key = `${lane}|${t}|${type}`;
      const bin = bins.get(key) ?? { lane, t, type, count: 0 };
      bin.count += 1;
      bins.set(key, bin);
    }
    if (connection.close !== undefined) {
      const t = summarised ? binOf(s(connection.close.at)) : s(connection.close.at);
      const code = String(connection.close.code);
      const key = `${lane}|${t}|${code}`;
      const entry = closes.get(key) ?? { lane, t, code, count: 0 };
      entry.count += 1;
      closes.set(key, entry);
    }
    for (const run of runsOn(connection)) {
      const to = run.end?.at ?? end;
      const outcome: RunOutcome = run.end === undefined ? 'run unfinished' : run.end.status === 'success' ? 'run completed' : 'run ended in error';
      if (!summarised || summaryRuns < MAX_SUMMARY_RUNS) runs.push({ lane, from: s(run.start), to: s(to), outcome, summary: summarised });
      if (summarised) summaryRuns += 1;
      for (const gap of quietGaps(run.times, input.quietThresholdMs)) {
        const breaksProtocol = gap.ms > input.maxGapMs;
        if (summarised && !breaksProtocol) continue;
        const from = s(gap.from);
        const to = s(gap.to);
        gaps.push({ lane, from, to, mid: Math.round(((from + to) / 2) * 1000) / 1000, label: `${(gap.ms / 1000).toFixed(1)} s quiet`, breaksProtocol });
      }
    }
  }

  const laneNames = lanes.map((lane) => {
    const counts = summaryCounts.get(lane.name);
    if (counts === undefined) return lane;
    const who = lane.name.startsWith('crowd: ') ? `${counts.users.size} × ${lane.name.slice(7, -1)}` : lane.name.replace(': all tabs', '');
    const refused = counts.refused > 0 ? `, ${counts.refused} refused` : '';
    return { ...lane, name: `${who}: ${counts.connections} tabs${refused}` };
  });
  const rename = new Map(lanes.map((lane, index) => [lane.name, laneNames[index]?.name ?? lane.name]));
  const renamed = <T extends { lane: string }>(list: readonly T[]): T[] => list.map((item) => ({ ...item, lane: rename.get(item.lane) ?? item.lane }));

  const windows = input.windows.map((window) => {
    const from = s(window.from);
    const to = s(window.to ?? lastAt);
    return { kind: window.kind, from, to, mid: Math.round(((from + to) / 2) * 1000) / 1000 };
  });
  return {
    lanes: laneNames,
    lifelines: renamed(lifelines),
    frames: renamed(frames),
    frameBins: renamed([...bins.values()]),
    runs: renamed(runs),
    gaps: renamed(gaps),
    closes: renamed(labelCloses([...closes.values()], new Set(lanes.filter((lane) => lane.kind === 'summary').map((lane) => lane.name)))),
    refusals: renamed(refusals),
    windows,
    endOfSteps: s(input.endAt),
    span,
    counts: {
      connections: input.connections.length,
      frames: input.connections.reduce((sum, connection) => sum + connection.received.length + connection.sent.length, 0),
      runs: runs.length + Math.max(0, summaryRuns - MAX_SUMMARY_RUNS),
      refusals: input.refusals.length,
    },
  };
}

/** Each close labelled with its code; on a summarised lane, only the first tick of each code, with the code's total. */
function labelCloses(closes: ReadonlyArray<{ lane: string; t: number; code: string; count: number }>, summaries: ReadonlySet<string>): Array<TimelineModel['closes'][number]> {
  const totals = new Map<string, number>();
  for (const close of closes) if (summaries.has(close.lane)) totals.set(`${close.lane}|${close.code}`, (totals.get(`${close.lane}|${close.code}`) ?? 0) + close.count);
  const labelled = new Set<string>();
  return [...closes].sort((a, b) => a.t - b.t).map((close) => {
    if (!summaries.has(close.lane)) return { ...close, label: close.count > 1 ? `${close.code} ×${close.count}` : close.code };
    const key = `${close.lane}|${close.code}`;
    if (labelled.has(key)) return { ...close, label: '' };
    labelled.add(key);
    return { ...close, label: `${close.code} ×${totals.get(key) ?? close.count}` };
  });
}

interface SeenRun {
  readonly start: number;
  readonly end: ObservedFrame | undefined;
  /** Times of its message_accepted and events, in order. */
  readonly times: readonly number[];
}

/** The runs one connection saw: from its message_accepted (or first event) to its agent_completed. */
export function runsOn(connection: ObservedConnection): SeenRun[] {
  const byRun = new Map<string, ObservedFrame[]>();
  for (const frame of connection.received) {
    if (frame.runId === undefined) continue;
    byRun.set(frame.runId, [...(byRun.get(frame.runId) ?? []), frame]);
  }
  return [...byRun.values()].map((seen) => {
    const times = seen.map((frame) => frame.at).sort((a, b) => a - b);
    return { start: times[0] ?? 0, end: seen.find((frame) => frame.type === 'agent_completed'), times };
  });
}

/** Gaps between consecutive frames of a run longer than `thresholdMs`. */
export function quietGaps(times: readonly number[], thresholdMs: number): Array<{ from: number; to: number; ms: number }> {
  const gaps: Array<{ from: number; to: number; ms: number }> = [];
  for (let index = 1; index < times.length; index += 1) {
    const from = times[index - 1] as number;
    const to = times[index] as number;
    if (to - from > thresholdMs) gaps.push({ from, to, ms: to - from });
  }
  return gaps;
}
