/** Plain statistics for the bench: nearest-rank percentiles, the median, and the spread of a set of medians. */

/** The p-th percentile (0 < p ≤ 100) by the nearest-rank method: a value that was measured, never interpolated. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile ${p} is outside (0, 100]`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    p50: median(values),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: Math.max(...values),
  };
}

/**
 * How far apart a set of medians lies: (largest − smallest) / smallest, as a fraction (0.1 = 10 %). The budget of
 * DESIGN §10 ("differ by less than 10 %") compares every pair, and the widest pair is this one.
 */
export function relativeSpread(values: readonly number[]): number {
  if (values.length === 0) throw new Error('spread of no values');
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (min <= 0) throw new Error('spread needs positive values');
  return (max - min) / min;
}
