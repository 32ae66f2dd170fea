"use client";

import type { LogFollowing, LogLineEvent, LogNotice } from "@/lib/api-types";
import type { LogRow } from "@/lib/logs/summary";
import { compareOrdered, mergeSorted, ReorderWindow, sortKeyOf, type Ordered } from "./log-order";
import type { StreamProblem } from "./log-stream-client";
import { isNarrowerOrEqual, type ViewFilter } from "./view-filter";

export const MAX_ROWS = 20_000;
const MAX_PENDING = 200_000;
const NOTIFY_MS = 200;
/** How long an arriving line waits for earlier-logged lines from other pods' streams. */
export const REORDER_WINDOW_MS = 1000;
/** Released lines join the table at most this often: each merge copies the buffer. */
const RELEASE_EVERY_MS = 100;

/** A row that stands for lines the server had to drop for this slow browser. */
export interface DroppedMarker extends Ordered {
  id: number;
  dropped: number;
  time: string;
}
export type BufferedRow = LogRow & Ordered;
export type TableRow = BufferedRow | DroppedMarker;
export const isMarker = (r: TableRow): r is DroppedMarker => "dropped" in r;

/** Since when the buffer holds every line the current filter matches (null: since the page opened). */
export interface Coverage {
  viewFilter: ViewFilter;
  since: string | null;
}

export type StreamStatus = "connecting" | "open" | "retrying" | "stopped";

/**
 * The browser's log buffer, outside React so thousands of lines a second don't re-render per line:
 * listeners are told at most every 200 ms. It lives as long as the page, across filter changes: every
 * line received is kept (up to MAX_ROWS, in kubelet-timestamp order), and `rows` is the part the
 * current filter matches — so narrowing a filter refines what is on screen at once while the server
 * narrows what arrives, and widening it keeps what is shown. Paused means new lines wait (nothing is
 * lost) and join the table on resume.
 */
export class LogStore {
  /** Every line kept, in time order; `rows` is the filtered view of it. */
  private all: TableRow[] = [];
  rows: TableRow[] = [];
  private readonly window = new ReorderWindow<TableRow>(REORDER_WINDOW_MS);
  private pending: TableRow[] = [];
  private readonly keys = new Set<string>();
  private viewFilter: ViewFilter | null = null;
  coverage: Coverage | null = null;
  paused = false;
  notices: LogNotice[] = [];
  /** Which nodes the stream follows, as its server said when it opened (null until then). */
  following: LogFollowing | null = null;
  status: StreamStatus = "connecting";
  problem: StreamProblem | null = null;
  received = 0;
  duplicates = 0;
  droppedByServer = 0;
  droppedLocally = 0;
  private nextId = 1;
  private newestKey = "";
  private version = 0;
  private listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private releaseTimer: ReturnType<typeof setTimeout> | null = null;
  private lastRelease = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Show the lines `next` matches. The buffer stays complete for `next` when it is narrower than the
   * filter it was complete for; otherwise lines it matches from before now may be missing.
   */
  setFilter(next: ViewFilter): void {
    const prev = this.coverage;
    this.coverage = {
      viewFilter: next,
      since:
        prev === null || isNarrowerOrEqual(next.filter, prev.viewFilter.filter)
          ? (prev?.since ?? null)
          : new Date(this.now()).toISOString(),
    };
    this.viewFilter = next;
    this.rows = this.all.filter((r) => this.shows(r));
    this.changed();
  }

  addLine(e: LogLineEvent): void {
    this.received++;
    const sortKey = sortKeyOf(e.time, this.newestKey);
    // A reconnect (a filter change reopens the stream) may replay a pod's last lines.
    const key = e.time === null ? null : `${e.pod}\u0000${sortKey}\u0000${e.line.raw}`;
    if (key !== null) {
      if (this.keys.has(key)) {
        this.duplicates++;
        return;
      }
      this.keys.add(key);
    }
    if (sortKey > this.newestKey) this.newestKey = sortKey;
    this.hold({
      id: this.nextId,
      seq: this.nextId++,
      sortKey,
      node: e.node,
      pod: e.pod,
      time: e.time,
      line: e.line,
    });
  }

  addDropped(n: number): void {
    this.droppedByServer += n;
    const time = new Date(this.now()).toISOString();
    this.hold({
      id: this.nextId,
      seq: this.nextId++,
      sortKey: this.newestKey || sortKeyOf(time, ""),
      dropped: n,
      time,
    });
  }

  setFollowing(f: LogFollowing): void {
    this.following = f;
    this.changed();
  }

  addNotice(n: LogNotice): void {
    this.notices = [...this.notices.slice(-49), n];
    this.changed();
  }

  setStatus(s: StreamStatus, problem: StreamProblem | null = null): void {
    this.status = s;
    this.problem = problem;
    this.changed();
  }

  pause(): void {
    this.paused = true;
    this.changed();
  }

  resume(): void {
    this.paused = false;
    const waiting = this.pending.concat(this.window.release(this.now(), true));
    this.pending = [];
    this.merge(waiting);
    this.changed();
  }

  clear(): void {
    this.all = [];
    this.rows = [];
    this.pending = [];
    this.window.clear();
    this.keys.clear();
    this.changed();
  }

  /** Rows kept, whatever the filter (the table shows `rows`, the part the filter matches). */
  get bufferedCount(): number {
    return this.all.length;
  }

  /** Lines received but not yet in the table: paused, or within the reorder window. */
  get pendingCount(): number {
    return this.pending.length + this.window.size;
  }

  private shows(r: TableRow): boolean {
    return isMarker(r) || this.viewFilter === null || this.viewFilter.matchesRow(r);
  }

  private hold(row: TableRow): void {
    if (this.pending.length + this.window.size >= MAX_PENDING) {
      this.droppedLocally++;
      return;
    }
    this.window.push(row, this.now());
    this.scheduleRelease();
    this.changed();
  }

  private scheduleRelease(): void {
    if (this.releaseTimer) return;
    const due = this.window.nextDue();
    if (due === null) return;
    this.releaseTimer = setTimeout(
      () => {
        this.releaseTimer = null;
        this.lastRelease = this.now();
        const ready = this.window.release(this.lastRelease);
        if (this.paused) this.pending.push(...ready);
        else this.merge(ready);
        this.changed();
        this.scheduleRelease();
      },
      Math.max(0, due - this.now(), this.lastRelease + RELEASE_EVERY_MS - this.now()),
    );
  }

  private merge(batch: TableRow[]): void {
    if (batch.length === 0) return;
    this.all = mergeSorted(this.all, batch);
    this.rows = mergeSorted(
      this.rows,
      batch.filter((r) => this.shows(r)),
    );
    if (this.all.length > MAX_ROWS) {
      const evicted = this.all.slice(0, this.all.length - MAX_ROWS);
      this.all = this.all.slice(evicted.length);
      this.droppedLocally += evicted.length;
      for (const r of evicted)
        if (!isMarker(r)) this.keys.delete(`${r.pod}\u0000${r.sortKey}\u0000${r.line.raw}`);
      const last = evicted[evicted.length - 1] as TableRow;
      let n = 0;
      while (n < this.rows.length && compareOrdered(this.rows[n] as TableRow, last) <= 0) n++;
      if (n) this.rows = this.rows.slice(n);
    }
  }

  private changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.version++;
      for (const l of this.listeners) l();
    }, NOTIFY_MS);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /** The page went away: drop pending timers (listeners unsubscribe themselves). */
  stopNotifying(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.releaseTimer) clearTimeout(this.releaseTimer);
    this.timer = null;
    this.releaseTimer = null;
  }
}
