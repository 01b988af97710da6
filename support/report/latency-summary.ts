import { build, type Histogram } from 'hdr-histogram-js';

/** Latency percentiles in milliseconds, read from an HDR histogram. */
export interface LatencySummary {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

const MICROS_PER_MS = 1000;

/**
 * Latencies recorded in microseconds (3 significant digits) into an
 * hdr-histogram-js histogram: every percentile of the suite and the bench comes from here.
 */
export class LatencyRecorder {
  private readonly histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600 * 1_000_000, // 10 minutes, far beyond any wait of the suite or the bench
    numberOfSignificantValueDigits: 3,
  });

  recordMs(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * MICROS_PER_MS)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const ms = (micros: number): number => round3(micros / MICROS_PER_MS);
    return {
      samples: h.totalCount,
      p50Ms: ms(h.getValueAtPercentile(50)),
      p90Ms: ms(h.getValueAtPercentile(90)),
      p99Ms: ms(h.getValueAtPercentile(99)),
      maxMs: ms(h.maxValue),
      meanMs: ms(h.mean),
    };
  }
}

/** Percentiles of a set of durations (ms), through the same recorder. */
export function summarizeLatencies(durationsMs: readonly number[]): LatencySummary {
  const recorder = new LatencyRecorder();
  for (const duration of durationsMs) recorder.recordMs(duration);
  return recorder.summary();
}

export const formatLatency = (summary: LatencySummary): string =>
  `p50 ${summary.p50Ms.toFixed(1)} ms, p99 ${summary.p99Ms.toFixed(1)} ms, max ${summary.maxMs.toFixed(1)} ms over ${summary.samples}`;

export const round3 = (value: number): number => Math.round(value * 1000) / 1000;
