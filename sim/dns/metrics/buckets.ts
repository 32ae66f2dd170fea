/** Histogram bucket bounds used by CoreDNS (coredns-facts.md §2.4). */

function exponential(start: number, factor: number, count: number): number[] {
  // Same loop as prometheus.ExponentialBuckets, so the float64 bounds (and their printed `le`) match.
  const out: number[] = [];
  let b = start;
  for (let i = 0; i < count; i++) {
    out.push(b);
    b *= factor;
  }
  return out;
}

/** plugin.TimeBuckets = ExponentialBuckets(0.00025, 2, 16): 0.00025 … 8.192. */
export const TIME_BUCKETS: readonly number[] = exponential(0.00025, 2, 16);

/** plugin.SlimTimeBuckets = ExponentialBuckets(0.00025, 10, 5): 0.00025 … 2.5 (health from 1.8.4). */
export const SLIM_TIME_BUCKETS: readonly number[] = exponential(0.00025, 10, 5);

/** Request and response size buckets of the metrics plugin. */
export const SIZE_BUCKETS: readonly number[] = [
  0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16e3, 32e3, 48e3, 64e3,
];
