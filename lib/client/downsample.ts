/**
 * Fewer points than pixels: a chart of 720 five-second points drawn 400 px wide spends its time on
 * points no one can see. Buckets of consecutive points keep, per series, each bucket's min and max
 * (so spikes survive) at the bucket's first and last times; gaps (null) stay gaps. Pure.
 */
export type Point = { t: number } & Record<string, number | null>;

export function downsample(points: readonly Point[], keys: readonly string[], maxPoints: number): Point[] {
  if (points.length <= maxPoints || maxPoints < 4) return [...points];
  const buckets = Math.floor(maxPoints / 2);
  const size = points.length / buckets;
  const out: Point[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(points.length, Math.floor((b + 1) * size));
    if (to <= from) continue;
    const first = points[from] as Point;
    const last = points[to - 1] as Point;
    const lo: Point = { t: first.t };
    const hi: Point = { t: last.t };
    for (const k of keys) {
      let min: number | null = null;
      let max: number | null = null;
      let gap = false;
      for (let i = from; i < to; i++) {
        const v = (points[i] as Point)[k];
        if (v === null || v === undefined || !Number.isFinite(v)) {
          gap = true;
          continue;
        }
        if (min === null || v < min) min = v;
        if (max === null || v > max) max = v;
      }
      lo[k] = gap && min === null ? null : min;
      hi[k] = gap && max === null ? null : max;
    }
    out.push(lo);
    if (to - from > 1) out.push(hi);
  }
  return out;
}
