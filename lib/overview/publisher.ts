/**
 * What every browser's overview table holds of the rows it does not show, versioned, so a refresh
 * carries only what changed. Pure (no I/O; the server's view keeps one per dashboard).
 *
 * Each row's cells are *published*: a number is sent again only when its change would show (its
 * formatted text differs) and it moved beyond a dead band (`BANDS`: 10–30 % by column) — at 5,000
 * nodes every rate wobbles every round, and a row nobody sees needs only a sort key good enough to
 * place it. The rows on screen are sent in full with every answer (lib/overview/answer.ts), so what a
 * person reads is always the exact number. A published number is the coarsest value that still
 * formats as the exact one did (`quantize`), so it is short on the wire.
 *
 * Every change is stamped with the version it was published in; a browser that says which version
 * it has gets the cells stamped later, the rows added since, and the names removed since.
 */
import { randomBytes } from "node:crypto";
import { formatBytes, formatCount, formatRate, formatSeconds } from "@/lib/format";
import { dictKey, UNCHANGED } from "./columns";
import {
  FIELDS,
  FIELD_INDEX,
  flatten,
  type Cell,
  type FieldName,
  type OverviewRow,
  type PartialCells,
} from "./wire";

/** When a changed number is worth sending to rows off screen. */
type Band = { format: (n: number) => string; rel: number } | { ms: number };

/** Numbers off screen are placed by these; the formats are the table's own. */
export const BANDS: Partial<Record<FieldName, Band>> = {
  hits: { format: formatCount, rel: 0.1 },
  misses: { format: formatCount, rel: 0.1 },
  entries: { format: formatCount, rel: 0.1 },
  qps: { format: formatRate, rel: 0.2 },
  evictions: { format: formatRate, rel: 0.2 },
  servfail: { format: formatRate, rel: 0.2 },
  // A p99 over 5 s wobbles by a third from round to round on a steady node.
  p99: { format: formatSeconds, rel: 0.3 },
  memory: { format: formatBytes, rel: 0.1 },
  // Every pod is scraped every round: sending 5,000 new times each round would be most of a
  // refresh. Off screen a row keeps the time it had (to the second); on screen it is exact.
  scrapedAt: { ms: Infinity },
};

const BAND_BY_INDEX: (Band | undefined)[] = FIELDS.map((f) => BANDS[f.name]);
const DICT = FIELDS.map((f) => f.kind === "dict");

/** The coarsest value (fewest significant digits) that `format` shows as it shows `x`. */
export function quantize(x: number, format: (n: number) => string): number {
  if (!Number.isFinite(x)) return x;
  const shown = format(x);
  const same = (digits: number) => format(Number(x.toPrecision(digits))) === shown;
  // Most of the table's numbers show three digits: try that first, then fewer or more.
  let digits = 3;
  if (same(digits)) while (digits > 1 && same(digits - 1)) digits--;
  else while (digits < 17 && !same(++digits));
  return digits === 17 && !same(17) ? x : Number(x.toPrecision(digits));
}

function publishValue(i: number, cell: Cell): Cell {
  const band = BAND_BY_INDEX[i];
  if (!band || typeof cell !== "number") return cell;
  return "format" in band ? quantize(cell, band.format) : Math.round(cell / 1000) * 1000;
}

/** Would the browser show something else (beyond the dead band) if it had `cur` instead of `pub`? */
function moved(i: number, pub: Cell, cur: Cell, pubKey: string | undefined): boolean {
  if (DICT[i]) return dictKey(cur) !== pubKey;
  if (pub === cur) return false;
  const band = BAND_BY_INDEX[i];
  if (!band || typeof pub !== "number" || typeof cur !== "number") return true;
  if ("ms" in band) return Math.abs(cur - pub) > band.ms;
  if (Math.abs(cur - pub) <= band.rel * Math.abs(pub)) return false;
  return band.format(cur) !== band.format(pub);
}

interface Published {
  cells: Cell[];
  /** JSON of the dictionary cells, to compare by value. */
  keys: (string | undefined)[];
  /** The version each cell was last published in (a new row's: all the version it came in). */
  changedAt: number[];
}

/** A refresh: every row with a cell published since (others `UNCHANGED`), and the names removed. */
export interface PublishedDelta {
  changed: PartialCells[];
  removed: string[];
}

export class OverviewPublisher {
  /** Versions are `<epoch>.<n>`: one from another process (or a restarted one) is never taken for ours. */
  private readonly epoch = randomBytes(4).toString("hex");
  private version = 0;
  private rows = new Map<string, Published>();
  private lastRows: readonly OverviewRow[] | null = null;
  private tombstones: { name: string; at: number }[] = [];

  /** @param keep how many versions behind a browser may be and still get a refresh, not a full load. */
  constructor(private readonly keep = 64) {}

  /** The version of what `full()` answers now. */
  get current(): string {
    return `${this.epoch}.${this.version}`;
  }

  /** Publish this round's rows (in the order the table lists them); a new version only when anything changed. */
  update(rows: readonly OverviewRow[]): void {
    // The same rows again (lib/views/nodes.ts shares one build between requests): nothing moved.
    if (rows === this.lastRows) return;
    this.lastRows = rows;
    const next = this.version + 1;
    let changed = false;
    const seen = new Map<string, Published>();
    for (const row of rows) {
      const cur = flatten(row);
      const p = this.rows.get(row.node);
      if (!p) {
        const cells = cur.map((c, i) => publishValue(i, c));
        seen.set(row.node, {
          cells,
          keys: cells.map((c, i) => (DICT[i] ? dictKey(c) : undefined)),
          changedAt: cells.map(() => next),
        });
        changed = true;
        continue;
      }
      for (let i = 1; i < cur.length; i++) {
        const c = cur[i] as Cell;
        if (!moved(i, p.cells[i] as Cell, c, p.keys[i])) continue;
        p.cells[i] = publishValue(i, c);
        if (DICT[i]) p.keys[i] = dictKey(c);
        p.changedAt[i] = next;
        changed = true;
      }
      seen.set(row.node, p);
    }
    for (const name of this.rows.keys()) {
      if (!seen.has(name)) {
        this.tombstones.push({ name, at: next });
        changed = true;
      }
    }
    // Same rows in another order is a change too: the next full load lists them in the new order.
    if (!changed) {
      const before = [...this.rows.keys()];
      changed = [...seen.keys()].some((k, i) => k !== before[i]);
    }
    this.rows = seen;
    if (!changed) return;
    this.version = next;
    this.tombstones = this.tombstones.filter((t) => t.at > this.version - this.keep);
  }

  /** Every row as published now, in table order. */
  full(): Cell[][] {
    return [...this.rows.values()].map((p) => [...p.cells]);
  }

  /** What changed after version `since`; null when `since` is not ours or too old (answer a full load). */
  since(since: string): PublishedDelta | null {
    const dot = since.lastIndexOf(".");
    const n = Number(since.slice(dot + 1));
    if (since.slice(0, dot) !== this.epoch || !Number.isInteger(n)) return null;
    if (n > this.version || n < this.version - this.keep) return null;
    const changed: PartialCells[] = [];
    for (const p of this.rows.values()) {
      if (!p.changedAt.some((v) => v > n)) continue;
      changed.push(
        p.cells.map((c, i) => (i === FIELD_INDEX.node || (p.changedAt[i] as number) > n ? c : UNCHANGED)),
      );
    }
    return { changed, removed: this.tombstones.filter((t) => t.at > n).map((t) => t.name) };
  }
}
