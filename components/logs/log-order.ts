/**
 * Time order for log lines that arrive per pod: the hub forwards each pod's lines as its stream
 * delivers them, so lines from different nodes interleave by network timing, not by when they were
 * logged. Rows are ordered by the kubelet's timestamp, arrival order breaking ties. Pure.
 */
import { normalizeTimestamp } from "@/lib/logs/cursor";

/** What ordering needs of a row: its normalised timestamp and its arrival number. */
export interface Ordered {
  /** normalizeTimestamp(time): fixed-width, so it compares as a string. */
  sortKey: string;
  /** Arrival order, unique per store. */
  seq: number;
}

/** A kubelet timestamp as a string that sorts in time order ("…:59.5Z" → "…:59.500000000Z"). */
export function sortKeyOf(time: string | null, fallback: string): string {
  return time === null ? fallback : normalizeTimestamp(time);
}

export function compareOrdered(a: Ordered, b: Ordered): number {
  if (a.sortKey < b.sortKey) return -1;
  if (a.sortKey > b.sortKey) return 1;
  return a.seq - b.seq;
}

/** Index of the first element of `sorted` that sorts after `item`. */
function upperBound<T extends Ordered>(sorted: readonly T[], item: Ordered): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareOrdered(sorted[mid] as T, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `sorted` with `batch` (any order) merged in, as a new array. Late lines usually belong near the
 * end, so only the tail from the first batch item's position on is re-merged.
 */
export function mergeSorted<T extends Ordered>(sorted: readonly T[], batch: readonly T[]): T[] {
  if (batch.length === 0) return sorted.slice();
  const b = batch.slice().sort(compareOrdered);
  const start = upperBound(sorted, b[0] as T);
  const out = sorted.slice(0, start);
  let i = start;
  let j = 0;
  while (i < sorted.length && j < b.length) {
    const x = sorted[i] as T;
    const y = b[j] as T;
    if (compareOrdered(x, y) <= 0) {
      out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  for (; i < sorted.length; i++) out.push(sorted[i] as T);
  for (; j < b.length; j++) out.push(b[j] as T);
  return out;
}

/**
 * Holds arriving rows for `windowMs` of wall-clock time before they join the table, so a line from a
 * slower pod stream that was logged earlier lands in place before the operator sees the rows around
 * it — while a live line still shows within about a second. Rows later than the window are still
 * merged into their time position (see mergeSorted), just after their neighbours were on screen.
 */
export class ReorderWindow<T> {
  private held: { item: T; at: number }[] = [];
  constructor(readonly windowMs: number) {}

  push(item: T, now: number): void {
    this.held.push({ item, at: now });
  }

  /** Rows held at least `windowMs` (all of them with `all`), in arrival order. */
  release(now: number, all = false): T[] {
    if (all) {
      const out = this.held.map((h) => h.item);
      this.held = [];
      return out;
    }
    let n = 0;
    while (n < this.held.length && now - (this.held[n] as { at: number }).at >= this.windowMs) n++;
    const out = this.held.slice(0, n).map((h) => h.item);
    this.held = this.held.slice(n);
    return out;
  }

  /** When the oldest held row is due, or null when none is held. */
  nextDue(): number | null {
    const first = this.held[0];
    return first ? first.at + this.windowMs : null;
  }

  get size(): number {
    return this.held.length;
  }

  clear(): void {
    this.held = [];
  }
}
