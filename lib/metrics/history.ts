/**
 * Fixed-size history of one node's signals: a ring of Float32 columns, so memory is bounded and known
 * up front — capacity × (signals × 4 + 8) bytes per node (timestamps are Float64 ms).
 */
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

export class HistoryRing {
  private readonly times: Float64Array;
  private readonly columns: Float32Array[];
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.times = new Float64Array(capacity);
    this.columns = HISTORY_SIGNALS.map(() => new Float32Array(capacity));
  }

  /** null values are stored as NaN (a gap in a chart). */
  push(timeMs: number, point: HistoryPoint): void {
    this.times[this.next] = timeMs;
    HISTORY_SIGNALS.forEach((signal, i) => {
      const v = point[signal];
      (this.columns[i] as Float32Array)[this.next] = v === null || !Number.isFinite(v) ? NaN : v;
    });
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Oldest first; optionally only points at or after `sinceMs`. */
  points(sinceMs = 0): ({ t: number } & HistoryPoint)[] {
    const out: ({ t: number } & HistoryPoint)[] = [];
    const start = (this.next - this.size + this.capacity) % this.capacity;
    for (let k = 0; k < this.size; k++) {
      const idx = (start + k) % this.capacity;
      const t = this.times[idx] ?? 0;
      if (t < sinceMs) continue;
      const point = { t } as { t: number } & HistoryPoint;
      HISTORY_SIGNALS.forEach((signal, i) => {
        const v = (this.columns[i] as Float32Array)[idx] ?? NaN;
        point[signal] = Number.isNaN(v) ? null : v;
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
