/**
 * "Mark the odd node out": a node whose signal sits far from the other nodes', by a robust z-score
 * (distance from the median in units of the median absolute deviation), so one bad node cannot hide
 * itself by dragging the mean. Pure.
 */
export interface OutlierSignal<T> {
  name: string;
  value: (item: T) => number | null;
  /** Only flag deviations in this direction ("low" hit ratio is bad, "high" latency is bad). */
  bad: "low" | "high";
  /** Ignore differences smaller than this absolute amount (e.g. 0.05 hit ratio, 2 ms). */
  minDelta: number;
}

/** Robust z-score threshold: 3.5 is the usual cut-off for the modified z-score (Iglewicz & Hoaglin). */
const THRESHOLD = 3.5;

export function findOutliers<T>(
  items: readonly T[],
  key: (item: T) => string,
  signals: readonly OutlierSignal<T>[],
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (items.length < 3) return out;
  for (const sig of signals) {
    const values = items
      .map((i) => ({ k: key(i), v: sig.value(i) }))
      .filter((x): x is { k: string; v: number } => x.v !== null && Number.isFinite(x.v));
    if (values.length < 3) continue;
    const med = medianOf(values.map((x) => x.v));
    const mad = medianOf(values.map((x) => Math.abs(x.v - med)));
    for (const { k, v } of values) {
      const delta = v - med;
      if (sig.bad === "low" ? delta >= 0 : delta <= 0) continue;
      if (Math.abs(delta) < sig.minDelta) continue;
      const z = mad > 0 ? (0.6745 * Math.abs(delta)) / mad : Infinity;
      if (z >= THRESHOLD) {
        const list = out.get(k) ?? [];
        list.push(sig.name);
        out.set(k, list);
      }
    }
  }
  return out;
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Odd-node marks that do not flicker: a node is marked on a signal only after it has been the odd
 * one out in `enterAfter` consecutive rounds, and unmarked only after `leaveAfter` consecutive rounds
 * back in line. One noisy sample neither marks nor clears a node. Feed it once per round.
 */
export class StableOutliers {
  private readonly state = new Map<string, { marked: boolean; streak: number }>();

  constructor(
    private readonly enterAfter = 3,
    private readonly leaveAfter = 3,
  ) {}

  /** This round's raw outliers (node → signals) → the stable marks. `nodes` are every node evaluated. */
  update(
    raw: ReadonlyMap<string, readonly string[]>,
    nodes: readonly string[],
    signals: readonly string[],
  ): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const seen = new Set<string>();
    for (const node of nodes) {
      const flagged = new Set(raw.get(node) ?? []);
      for (const signal of signals) {
        const key = `${node}\u0000${signal}`;
        seen.add(key);
        const s = this.state.get(key) ?? { marked: false, streak: 0 };
        const odd = flagged.has(signal);
        if (odd !== s.marked) {
          s.streak++;
          if (s.streak >= (s.marked ? this.leaveAfter : this.enterAfter)) {
            s.marked = odd;
            s.streak = 0;
          }
        } else s.streak = 0;
        this.state.set(key, s);
        if (s.marked) out.set(node, [...(out.get(node) ?? []), signal]);
      }
    }
    for (const k of this.state.keys()) if (!seen.has(k)) this.state.delete(k);
    return out;
  }
}
