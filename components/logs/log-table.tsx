"use client";

import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import type { LogRow } from "@/lib/logs/summary";
import { isMarker, type TableRow } from "./log-store";

const ROW_HEIGHT = 24;
const OVERSCAN = 10;

/** The query log's columns; widths in px (Name grows into what is left, from its minimum). */
export const LOG_COLUMNS = [
  { id: "time", label: "Time", width: 96 },
  { id: "node", label: "Node", width: 80 },
  { id: "client", label: "Client", width: 140 },
  { id: "id", label: "ID", width: 52 },
  { id: "type", label: "Type", width: 52 },
  { id: "class", label: "Class", width: 44 },
  { id: "name", label: "Name", width: 160 },
  { id: "proto", label: "Proto", width: 44 },
  { id: "size", label: "Size", width: 44 },
  { id: "do", label: "DO", width: 30 },
  { id: "buf", label: "Buf", width: 50 },
  { id: "rcode", label: "Rcode", width: 80 },
  { id: "flags", label: "Flags", width: 90 },
  { id: "resp", label: "Resp", width: 48 },
  { id: "duration", label: "Duration", width: 88 },
] as const;
export type LogColumnId = (typeof LOG_COLUMNS)[number]["id"];

/** Time stays (the sticky first column); every other column can be hidden. */
export const CHOOSABLE_LOG_COLUMNS = LOG_COLUMNS.filter((c) => c.id !== "time");

/**
 * Hidden until the reader chooses otherwise: what fits beside the summary panels at 1280 px, with
 * Rcode, Flags, Resp and Duration on screen. The wire details (query ID, class, protocol, sizes,
 * DO bit, buffer) are a click away in the column chooser.
 */
export const DEFAULT_HIDDEN_LOG_COLUMNS: readonly LogColumnId[] = [
  "id",
  "class",
  "proto",
  "size",
  "do",
  "buf",
];

/** Row padding (6 px each side) plus the columns' widths: below it, the table scrolls sideways. */
function gridMinWidth(shown: readonly { width: number }[]): number {
  return shown.reduce((w, c) => w + c.width, 12);
}

/**
 * A virtualised table: only the rows in view (plus a few) are in the DOM, so it stays smooth with
 * tens of thousands of lines and thousands more per second. It follows the tail while scrolled to the
 * bottom; scrolling up holds the view still. Every value is rendered as text, never as HTML.
 */
export function LogTable({
  rows,
  hidden = new Set(DEFAULT_HIDDEN_LOG_COLUMNS),
  height = 560,
}: {
  rows: readonly TableRow[];
  /** Ids of the columns not to show (never "time"). */
  hidden?: ReadonlySet<string>;
  height?: number;
}) {
  const shown = LOG_COLUMNS.filter((c) => c.id === "time" || !hidden.has(c.id));
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [follow, setFollow] = useState(true);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && follow) el.scrollTop = el.scrollHeight;
  }, [rows, follow]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      setScrollTop(el.scrollTop);
      setFollow(el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT);
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, []);

  // The header row is the first ROW_HEIGHT of the scrolled content.
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - 1 - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const visible = rows.slice(first, last);

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const el = scroller.current;
    if (!el) return;
    const page = el.clientHeight - ROW_HEIGHT;
    const moves: Record<string, number> = {
      ArrowDown: ROW_HEIGHT,
      ArrowUp: -ROW_HEIGHT,
      PageDown: page,
      PageUp: -page,
    };
    if (e.key in moves) el.scrollTop += moves[e.key] ?? 0;
    else if (e.key === "ArrowRight") el.scrollLeft += 80;
    else if (e.key === "ArrowLeft") el.scrollLeft -= 80;
    else if (e.key === "Home") el.scrollTop = 0;
    else if (e.key === "End") el.scrollTop = el.scrollHeight;
    else return;
    e.preventDefault();
  };

  return (
    <div className="log-table" role="table" aria-label="Query log" aria-rowcount={rows.length + 1}>
      {/* One scroller for both axes, so the header row sticks to the top and the Time column to the left. */}
      <div
        ref={scroller}
        className="log-body"
        style={{ height }}
        tabIndex={0}
        onKeyDown={onKey}
        aria-label="Log lines; arrow keys, Page Up/Down, Home and End scroll"
      >
        <div className="log-grid" style={{ minWidth: gridMinWidth(shown) }}>
          <div className="log-row log-head" role="row">
            {shown.map((c) => (
              <span key={c.id} role="columnheader" className={`c-${c.id}`} data-column={c.id}>
                {c.label}
              </span>
            ))}
          </div>
          {rows.length === 0 ? (
            <div className="log-empty">Waiting for log lines…</div>
          ) : (
            <div style={{ height: rows.length * ROW_HEIGHT, position: "relative" }}>
              {visible.map((r, i) => (
                <div
                  key={r.id}
                  style={{ position: "absolute", top: (first + i) * ROW_HEIGHT, left: 0, right: 0 }}
                >
                  {isMarker(r) ? <MarkerRow dropped={r.dropped} /> : <LineRow row={r} shown={shown} />}
                </div>
              ))}
            </div>
          )}
        </div>
      </div>
      {!follow && rows.length > 0 && (
        <button type="button" className="log-follow" onClick={() => setFollow(true)}>
          Jump to newest ↓
        </button>
      )}
    </div>
  );
}

function MarkerRow({ dropped }: { dropped: number }) {
  return (
    <div className="log-row log-marker" role="row">
      <span role="cell">
        — {dropped} lines dropped: this browser could not keep up; narrow the filters to see everything —
      </span>
    </div>
  );
}

function time(t: string | null): string {
  return t ? t.slice(11, 23) : "";
}

type QueryLine = Extract<LogRow["line"], { kind: "query" }>;

/** Each column's cell text for a query line. */
const QUERY_CELLS: Record<LogColumnId, (row: LogRow, l: QueryLine) => string> = {
  time: (row) => time(row.time),
  node: (row) => row.node,
  client: (_, l) => `${l.clientIp.includes(":") ? `[${l.clientIp}]` : l.clientIp}:${l.clientPort}`,
  id: (_, l) => String(l.queryId),
  type: (_, l) => l.type,
  class: (_, l) => l.class,
  name: (_, l) => l.name,
  proto: (_, l) => l.proto,
  size: (_, l) => String(l.requestSize),
  do: (_, l) => (l.doBit === null ? "-" : l.doBit ? "DO" : ""),
  buf: (_, l) => (l.bufSize === null ? "-" : String(l.bufSize)),
  rcode: (_, l) => l.rcode ?? "—",
  flags: (_, l) => l.flags.join(","),
  resp: (_, l) => String(l.responseSize),
  duration: (_, l) => `${(l.durationSeconds * 1000).toFixed(2)} ms`,
};

function LineRow({ row, shown }: { row: LogRow; shown: readonly { id: LogColumnId }[] }) {
  const l = row.line;
  if (l.kind === "query") {
    const bad = l.rcode === null || l.rcode === "SERVFAIL" || l.rcode === "REFUSED";
    return (
      <div
        className={`log-row${bad ? " log-bad" : ""}`}
        role="row"
        data-kind="query"
        data-time={row.time ?? undefined}
        data-node={row.node}
      >
        {shown.map((c) => (
          <span
            key={c.id}
            role="cell"
            className={c.id === "rcode" ? `c-rcode rcode-${l.rcode ?? "none"}` : `c-${c.id}`}
            title={c.id === "name" ? l.name : undefined}
          >
            {QUERY_CELLS[c.id](row, l)}
          </span>
        ))}
      </div>
    );
  }
  const text = l.kind === "error" ? `${l.rcode} ${l.name} ${l.type}: ${l.message}` : l.raw;
  const cls =
    l.kind === "error" ||
    l.kind === "errorSummary" ||
    (l.kind === "other" && (l.level === "ERROR" || l.level === "FATAL"))
      ? " log-error"
      : " log-other";
  const withNode = shown.some((c) => c.id === "node");
  return (
    <div className={`log-row${cls}`} role="row" data-kind={l.kind} data-time={row.time ?? undefined}>
      <span role="cell" className="c-time">
        {time(row.time)}
      </span>
      {withNode && (
        <span role="cell" className="c-node">
          {row.node}
        </span>
      )}
      <span role="cell" className="c-text" title={l.raw}>
        {l.kind === "error" && <strong>ERROR </strong>}
        {text}
      </span>
    </div>
  );
}
