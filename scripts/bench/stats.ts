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
 * hdr-histogram-js histogram: every percentile in the bench comes from here.
 */
export class LatencyRecorder {
  private readonly histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600 * 1_000_000, // 10 minutes, far beyond any bound of the bench
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

/**
 * The median of a handful of per-round rates (an odd count, so it is one of
 * them), also through an HDR histogram: values are scaled by 1000 and kept to
 * 5 significant digits, so the median is exact to well under 0.01 %.
 */
export function medianRate(rates: readonly number[]): number {
  if (rates.length === 0) throw new Error('median of no rounds');
  const histogram = build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 5 });
  for (const rate of rates) histogram.recordValue(Math.max(1, Math.round(rate * 1000)));
  return round3(histogram.getValueAtPercentile(50) / 1000);
}

export const round3 = (value: number): number => Math.round(value * 1000) / 1000;
