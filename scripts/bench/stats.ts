import { build } from 'hdr-histogram-js';
import { round3 } from '../../support/report/latency-summary';

export { LatencyRecorder, round3, type LatencySummary } from '../../support/report/latency-summary';

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

