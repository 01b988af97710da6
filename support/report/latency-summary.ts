import { build } from 'hdr-histogram-js';

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Percentiles of a set of durations, from an HDR histogram (microsecond resolution). */
export function summarizeLatencies(durationsMs: readonly number[]): LatencySummary {
  const histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  try {
    for (const duration of durationsMs) histogram.recordValue(Math.max(1, Math.round(duration * 1000)));
    return {
      count: durationsMs.length,
      p50Ms: histogram.getValueAtPercentile(50) / 1000,
      p99Ms: histogram.getValueAtPercentile(99) / 1000,
      maxMs: histogram.maxValue / 1000,
    };
  } finally {
    histogram.destroy();
  }
}

export const formatLatency = (summary: LatencySummary): string =>
  `p50 ${summary.p50Ms.toFixed(1)} ms, p99 ${summary.p99Ms.toFixed(1)} ms, max ${summary.maxMs.toFixed(1)} ms over ${summary.count}`;
