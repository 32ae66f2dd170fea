/**
 * Fixed-size history: a ring of Float32 columns, so memory is bounded and known up front —
 * capacity × (signals × 4 + 8) bytes per ring (timestamps are Float64 ms).
 */

/** Signals kept per node. */
export const HISTORY_SIGNALS = [
  "queriesPerSecond",
  "hitRatio",
  "hitsPerSecond",
  "missesPerSecond",
  "entries",
  "evictionsPerSecond",
  "prefetchesPerSecond",
  "servedStalePerSecond",
  "nxdomainPerSecond",
  "servfailPerSecond",
  "refusedPerSecond",
  "latencyP50",
  "latencyP90",
  "latencyP99",
  "upstreamPerSecond",
  "upstreamLatencyP99",
  "upstreamHealthcheckFailuresPerSecond",
  "memoryBytes",
] as const;
export type HistorySignal = (typeof HISTORY_SIGNALS)[number];
export type HistoryPoint = Record<HistorySignal, number | null>;

/** Signals kept per server block (zone) of a node. */
export const ZONE_SIGNALS = [
  "queriesPerSecond",
  "hitRatio",
  "hitsPerSecond",
  "missesPerSecond",
  "entries",
] as const;
export type ZoneSignal = (typeof ZONE_SIGNALS)[number];

export class SeriesRing<S extends string> {
  private readonly times: Float64Array;
  private readonly columns: Float32Array[];
  private next = 0;
  private size = 0;

  constructor(
    readonly capacity: number,
    readonly signals: readonly S[],
  ) {
    this.times = new Float64Array(capacity);
    this.columns = signals.map(() => new Float32Array(capacity));
  }

  /** null or missing values are stored as NaN (a gap in a chart). */
  push(timeMs: number, point: Partial<Record<S, number | null>>): void {
    this.times[this.next] = timeMs;
    this.signals.forEach((signal, i) => {
      const v = point[signal];
      (this.columns[i] as Float32Array)[this.next] =
        v === null || v === undefined || !Number.isFinite(v) ? NaN : v;
    });
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Oldest first; optionally only points at or after `sinceMs`. */
  points(sinceMs = 0): ({ t: number } & Record<S, number | null>)[] {
    const out: ({ t: number } & Record<S, number | null>)[] = [];
    const start = (this.next - this.size + this.capacity) % this.capacity;
    for (let k = 0; k < this.size; k++) {
      const idx = (start + k) % this.capacity;
      const t = this.times[idx] ?? 0;
      if (t < sinceMs) continue;
      const point = { t } as { t: number } & Record<S, number | null>;
      this.signals.forEach((signal, i) => {
        const v = (this.columns[i] as Float32Array)[idx] ?? NaN;
        (point as Record<S, number | null>)[signal] = Number.isNaN(v) ? null : v;
      });
      out.push(point);
    }
    return out;
  }

  /** Bytes held by this ring's arrays. */
  get bytes(): number {
    return this.times.byteLength + this.columns.reduce((n, c) => n + c.byteLength, 0);
  }
}

/** A node's history: one ring for its signals. */
export class HistoryRing extends SeriesRing<HistorySignal> {
  constructor(capacity: number) {
    super(capacity, HISTORY_SIGNALS);
  }
}

/** Median of a signal over the newest `n` points (nulls skipped); null when there are none. Smooths a noisy per-interval value. */
export function recentMedian<S extends string>(ring: SeriesRing<S>, signal: S, n: number): number | null {
  return medianOfNewest(ring.points(), n, (p) => (p as Record<S, number | null>)[signal]);
}

const sortedScratch: number[] = [];

/**
 * Median of the finite values `value` reads from the newest `n` of `items`; null when there are
 * none. Without an array per call: the odd-node check asks it six times per node per round, which
 * at 5,000 nodes was 30,000 slices, maps, filters and sorts in one turn of the event loop.
 */
export function medianOfNewest<T>(
  items: readonly T[],
  n: number,
  value: (item: T) => number | null | undefined,
): number | null {
  const sorted = sortedScratch;
  let k = 0;
  for (let i = Math.max(0, items.length - n); i < items.length; i++) {
    const v = value(items[i] as T);
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    let j = k++;
    for (; j > 0 && (sorted[j - 1] as number) > v; j--) sorted[j] = sorted[j - 1] as number;
    sorted[j] = v;
  }
  if (k === 0) return null;
  const mid = k >> 1;
  return k % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
