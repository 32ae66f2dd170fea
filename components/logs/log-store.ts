"use client";

import type { LogLineEvent, LogNotice } from "@/lib/api-types";
import type { LogRow } from "@/lib/logs/summary";

export const MAX_ROWS = 20_000;
const MAX_PENDING = 200_000;
const NOTIFY_MS = 200;

/** A row that stands for lines the server had to drop for this slow browser. */
export interface DroppedMarker {
  id: number;
  dropped: number;
  time: string;
}
export type TableRow = LogRow | DroppedMarker;
export const isMarker = (r: TableRow): r is DroppedMarker => "dropped" in r;

/**
 * The browser's log buffer, outside React so thousands of lines a second don't re-render per line:
 * listeners are told at most every 200 ms. Paused means new lines wait in `pending` (nothing is lost)
 * and join the table on resume.
 */
export class LogStore {
  /** The filter query this buffer's stream was opened with. */
  constructor(readonly query: string) {}

  rows: TableRow[] = [];
  private pending: TableRow[] = [];
  paused = false;
  notices: LogNotice[] = [];
  status: "connecting" | "open" | "error" = "connecting";
  received = 0;
  droppedByServer = 0;
  droppedLocally = 0;
  private nextId = 1;
  private version = 0;
  private listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  addLine(e: LogLineEvent): void {
    this.received++;
    this.append({ id: this.nextId++, node: e.node, pod: e.pod, time: e.time, line: e.line });
  }

  addDropped(n: number): void {
    this.droppedByServer += n;
    this.append({ id: this.nextId++, dropped: n, time: new Date().toISOString() });
  }

  addNotice(n: LogNotice): void {
    this.notices = [...this.notices.slice(-49), n];
    this.changed();
  }

  setStatus(s: LogStore["status"]): void {
    this.status = s;
    this.changed();
  }

  pause(): void {
    this.paused = true;
    this.changed();
  }

  resume(): void {
    this.paused = false;
    this.pushRows(this.pending);
    this.pending = [];
    this.changed();
  }

  clear(): void {
    this.rows = [];
    this.pending = [];
    this.changed();
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  private append(row: TableRow): void {
    if (this.paused) {
      if (this.pending.length >= MAX_PENDING) this.droppedLocally++;
      else this.pending.push(row);
    } else {
      this.pushRows([row]);
    }
    this.changed();
  }

  private pushRows(rows: TableRow[]): void {
    this.rows = this.rows.concat(rows);
    if (this.rows.length > MAX_ROWS) {
      this.droppedLocally += this.rows.length - MAX_ROWS;
      this.rows = this.rows.slice(this.rows.length - MAX_ROWS);
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

  /** The stream closed: drop a pending notification (listeners unsubscribe themselves). */
  stopNotifying(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
