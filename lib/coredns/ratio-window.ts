/**
 * A hit ratio over a time window (e.g. the last minute) instead of one scrape interval: at low
 * traffic a single interval holds one or two cache requests, and the ratio swings 0 ↔ 100 %.
 * The window sums hits and misses of its intervals; with no cache request in it the ratio is null
 * ("no traffic"), never 0. Pure; bounded by the number of intervals in the window.
 */
export class RatioWindow {
  private readonly points: { t: number; hits: number; misses: number }[] = [];

  constructor(readonly windowMs = 60_000) {}

  /** Adds one interval's hits and misses (counts, not rates) ending at `t`; returns the window's ratio. */
  push(t: number, hits: number, misses: number): number | null {
    this.points.push({ t, hits: Math.max(0, hits), misses: Math.max(0, misses) });
    while (this.points.length > 1 && (this.points[0] as { t: number }).t <= t - this.windowMs)
      this.points.shift();
    return this.ratio();
  }

  ratio(): number | null {
    let hits = 0;
    let total = 0;
    for (const p of this.points) {
      hits += p.hits;
      total += p.hits + p.misses;
    }
    return total > 0 ? hits / total : null;
  }

  /** Forget everything (the pod was replaced: its cache started empty). */
  clear(): void {
    this.points.length = 0;
  }
}
