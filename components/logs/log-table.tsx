"use client";

import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import type { LogRow } from "@/lib/logs/summary";
import { isMarker, type TableRow } from "./log-store";

const ROW_HEIGHT = 24;
const OVERSCAN = 10;

const COLUMNS = [
  "Time",
  "Node",
  "Client",
  "ID",
  "Type",
  "Class",
  "Name",
  "Proto",
  "Size",
  "DO",
  "Buf",
  "Rcode",
  "Flags",
  "Resp",
  "Duration",
];

/**
 * A virtualised table: only the rows in view (plus a few) are in the DOM, so it stays smooth with
 * tens of thousands of lines and thousands more per second. It follows the tail while scrolled to the
 * bottom; scrolling up holds the view still. Every value is rendered as text, never as HTML.
 */
export function LogTable({ rows, height = 560 }: { rows: readonly TableRow[]; height?: number }) {
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

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
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
    else if (e.key === "Home") el.scrollTop = 0;
    else if (e.key === "End") el.scrollTop = el.scrollHeight;
    else return;
    e.preventDefault();
  };

  return (
    <div className="log-table" role="table" aria-label="Query log" aria-rowcount={rows.length + 1}>
      <div className="log-grid">
        <div className="log-row log-head" role="row">
          {COLUMNS.map((c) => (
            <span key={c} role="columnheader" className={`c-${c.toLowerCase()}`}>
              {c}
            </span>
          ))}
        </div>
        <div
          ref={scroller}
          className="log-body"
          style={{ height }}
          tabIndex={0}
          onKeyDown={onKey}
          aria-label="Log lines; arrow keys, Page Up/Down, Home and End scroll"
        >
          {rows.length === 0 ? (
            <div className="log-empty">Waiting for log lines…</div>
          ) : (
            <div style={{ height: rows.length * ROW_HEIGHT, position: "relative" }}>
              {visible.map((r, i) => (
                <div
                  key={r.id}
                  style={{ position: "absolute", top: (first + i) * ROW_HEIGHT, left: 0, right: 0 }}
                >
                  {isMarker(r) ? <MarkerRow dropped={r.dropped} /> : <LineRow row={r} />}
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

function LineRow({ row }: { row: LogRow }) {
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
        <span role="cell" className="c-time">
          {time(row.time)}
        </span>
        <span role="cell" className="c-node">
          {row.node}
        </span>
        <span role="cell" className="c-client">
          {l.clientIp.includes(":") ? `[${l.clientIp}]` : l.clientIp}:{l.clientPort}
        </span>
        <span role="cell" className="c-id">
          {l.queryId}
        </span>
        <span role="cell" className="c-type">
          {l.type}
        </span>
        <span role="cell" className="c-class">
          {l.class}
        </span>
        <span role="cell" className="c-name" title={l.name}>
          {l.name}
        </span>
        <span role="cell" className="c-proto">
          {l.proto}
        </span>
        <span role="cell" className="c-size">
          {l.requestSize}
        </span>
        <span role="cell" className="c-do">
          {l.doBit === null ? "-" : l.doBit ? "DO" : ""}
        </span>
        <span role="cell" className="c-buf">
          {l.bufSize ?? "-"}
        </span>
        <span role="cell" className={`c-rcode rcode-${l.rcode ?? "none"}`}>
          {l.rcode ?? "—"}
        </span>
        <span role="cell" className="c-flags">
          {l.flags.join(",")}
        </span>
        <span role="cell" className="c-resp">
          {l.responseSize}
        </span>
        <span role="cell" className="c-duration">
          {(l.durationSeconds * 1000).toFixed(2)} ms
        </span>
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
  return (
    <div className={`log-row${cls}`} role="row" data-kind={l.kind} data-time={row.time ?? undefined}>
      <span role="cell" className="c-time">
        {time(row.time)}
      </span>
      <span role="cell" className="c-node">
        {row.node}
      </span>
      <span role="cell" className="c-text" title={l.raw}>
        {l.kind === "error" && <strong>ERROR </strong>}
        {text}
      </span>
    </div>
  );
}
