"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useEffect, useMemo, useRef, type ReactNode } from "react";
import type { OverviewRow } from "@/lib/api-types";
import { formatAgo, formatBytes, formatCount, formatPercent, formatRate, formatSeconds } from "@/lib/format";
import { REACHED, reachedLabel } from "./reached";
import { sortRows, type SortDir, type SortKey } from "./sort";

/** One column of the node table; `optional` ones can be hidden from the column chooser. */
export interface Column {
  id: string;
  sortKey?: SortKey;
  label: string;
  title: string;
  numeric?: boolean;
  optional?: boolean;
  cell: (r: OverviewRow, now: number) => ReactNode;
}

export const COLUMNS: Column[] = [
  {
    id: "health",
    sortKey: "health",
    label: "Health",
    title: "The cache's health verdict this round, with its reasons and since when",
    cell: (r, now) => <HealthCell row={r} now={now} />,
  },
  {
    id: "pod",
    sortKey: "status",
    label: "Cache pod",
    title: "The node-local-dns pod on this node and its state",
    cell: (r) => <PodCell row={r} />,
  },
  {
    id: "restarts",
    sortKey: "restarts",
    label: "Restarts",
    title: "Container restarts of the node-local-dns pod",
    numeric: true,
    optional: true,
    cell: (r) => (r.pod ? String(r.restarts) : "—"),
  },
  {
    id: "version",
    sortKey: "version",
    label: "CoreDNS",
    title: "CoreDNS version the pod reports (coredns_build_info)",
    optional: true,
    cell: (r) => r.corednsVersion ?? "—",
  },
  {
    id: "qps",
    sortKey: "qps",
    label: "Queries",
    title: "DNS queries per second over the last scrape interval",
    numeric: true,
    cell: (r) => formatRate(r.rates?.queriesPerSecond),
  },
  {
    id: "hitRatio",
    sortKey: "hitRatio",
    label: "Hit ratio",
    title: "Cache hits / (hits + misses) since the pod started",
    numeric: true,
    cell: (r) => formatPercent(r.cache?.hitRatio),
  },
  {
    id: "hits",
    sortKey: "hits",
    label: "Hits",
    title: "Cache hits since the pod started",
    numeric: true,
    optional: true,
    cell: (r) => formatCount(r.cache?.hits),
  },
  {
    id: "misses",
    sortKey: "misses",
    label: "Misses",
    title: "Cache misses since the pod started (forwarded upstream)",
    numeric: true,
    optional: true,
    cell: (r) => formatCount(r.cache?.misses),
  },
  {
    id: "entries",
    sortKey: "entries",
    label: "Entries",
    title: "Entries in the success + denial caches now (each cache once)",
    numeric: true,
    cell: (r) => formatCount(r.cache?.entries),
  },
  {
    id: "p99",
    sortKey: "p99",
    label: "p99",
    title: "99th percentile request latency over the last interval",
    numeric: true,
    cell: (r) => formatSeconds(r.rates?.latencyP99),
  },
  {
    id: "memory",
    sortKey: "memory",
    label: "Memory",
    title: "Resident memory of the node-cache process",
    numeric: true,
    optional: true,
    cell: (r) => formatBytes(r.memoryBytes),
  },
  {
    id: "reached",
    label: "Reached",
    title:
      "Do pods reach this cache? From the listen address queries arrive on (and, with a Cilium Local Redirect Policy, the policy)",
    optional: true,
    cell: (r) => <span title={REACHED[r.reachability ?? "none"].title}>{reachedLabel(r)}</span>,
  },
  {
    id: "scrape",
    label: "Scrape",
    title: "When the pod's metrics were last read, and how",
    optional: true,
    cell: (r, now) => <ScrapeCell row={r} now={now} />,
  },
];

export interface NodeTableProps {
  rows: readonly OverviewRow[];
  sort: SortKey;
  dir: SortDir;
  onSort: (key: SortKey) => void;
  /** Ids of the optional columns to hide. */
  hidden: ReadonlySet<string>;
  now: number;
  /** Told the names of the rows in the DOM (on screen and just beyond) whenever they change. */
  onWindow?: (names: readonly string[]) => void;
}

/** Estimated row height in px; rows are measured as they render. */
const ROW_HEIGHT = 38;

/**
 * The node table: a pure renderer of rows (sorting state lives in the URL; the container owns it).
 * Only the rows in view are in the DOM (virtualised), so 5,000 nodes scroll and sort like 5; the
 * header and the node column stay in place while scrolling.
 */
export function NodeTable({ rows, sort, dir, onSort, hidden, now, onWindow }: NodeTableProps) {
  const sorted = useMemo(() => sortRows(rows, sort, dir), [rows, sort, dir]);
  const columns = COLUMNS.filter((c) => !hidden.has(c.id));
  const scrollRef = useRef<HTMLDivElement>(null);
  // TanStack Virtual's documented incompatibility with the React Compiler's memoisation: this
  // component is left unmemoised by the compiler, which is what a virtualiser needs anyway.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: sorted.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtual.getVirtualItems();
  const windowKey = items.map((i) => sorted[i.index]?.node ?? "").join(",");
  useEffect(() => {
    onWindow?.(windowKey ? windowKey.split(",") : []);
  }, [windowKey, onWindow]);
  const top = items[0]?.start ?? 0;
  const bottom = virtual.getTotalSize() - (items.at(-1)?.end ?? 0);
  const header = (c: { label: string; title: string; sortKey?: SortKey; numeric?: boolean; id: string }) => (
    <th
      key={c.id}
      scope="col"
      className={c.numeric ? "num" : undefined}
      aria-sort={c.sortKey && sort === c.sortKey ? (dir === "asc" ? "ascending" : "descending") : undefined}
    >
      {c.sortKey ? (
        <button type="button" title={c.title} onClick={() => onSort(c.sortKey as SortKey)}>
          {c.label}
          <span aria-hidden="true" className="sort-mark">
            {sort === c.sortKey ? (dir === "asc" ? "▲" : "▼") : ""}
          </span>
        </button>
      ) : (
        <span title={c.title}>{c.label}</span>
      )}
    </th>
  );
  return (
    <div className="table-wrap table-scroll" ref={scrollRef} data-rows={sorted.length}>
      <table
        className="data-table sticky-first"
        aria-label="Nodes and their DNS caches"
        aria-rowcount={sorted.length + 1}
      >
        <thead>
          <tr>
            {header({ id: "node", sortKey: "node", label: "Node", title: "Kubernetes node name" })}
            {columns.map(header)}
          </tr>
        </thead>
        <tbody>
          {top > 0 && (
            <tr className="spacer" aria-hidden="true">
              <td colSpan={columns.length + 1} style={{ height: top }} />
            </tr>
          )}
          {items.map((item) => {
            const r = sorted[item.index] as OverviewRow;
            return (
              <tr
                key={r.node}
                data-node={r.node}
                data-index={item.index}
                aria-rowindex={item.index + 2}
                ref={virtual.measureElement}
                className={r.error ? "row-error" : undefined}
              >
                <th scope="row">
                  <Link href={`/nodes/${encodeURIComponent(r.node)}`}>{r.node}</Link>
                  {!r.nodeReady && <span className="badge badge-bad">node NotReady</span>}
                  {r.nodeConditions.length > 0 && (
                    <span
                      className="badge badge-warn"
                      data-conditions={r.nodeConditions.join(" ")}
                      title={`Node conditions that are not nominal: ${r.nodeConditions.join(", ")} (details on the node's page)`}
                    >
                      conditions
                    </span>
                  )}
                  {r.oddOneOut.length > 0 && (
                    <span
                      className="badge badge-warn"
                      title={`Stands out from the other nodes for three rounds or more: ${r.oddOneOut.join(", ")}`}
                    >
                      odd: {r.oddOneOut.join(", ")}
                    </span>
                  )}
                </th>
                {columns.map((c) => (
                  <td key={c.id} className={c.numeric ? "num" : undefined} data-field={c.id}>
                    {c.cell(r, now)}
                  </td>
                ))}
              </tr>
            );
          })}
          {bottom > 0 && (
            <tr className="spacer" aria-hidden="true">
              <td colSpan={columns.length + 1} style={{ height: bottom }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

function HealthCell({ row, now }: { row: OverviewRow; now: number }) {
  const h = row.health;
  const first = h.reasons[0];
  const title =
    (h.reasons.length ? h.reasons.map((r) => `${r.severity}: ${r.message}`).join("\n") : h.state) +
    `\nsince ${formatAgo(h.since, now)}`;
  return (
    <span className="health-cell" title={title} data-health={h.state}>
      <span className={`badge health-${h.state}`}>{h.state}</span>
      {first && <span className="health-reason">{first.message}</span>}
    </span>
  );
}

function PodCell({ row }: { row: OverviewRow }) {
  if (!row.pod)
    return (
      <span className="badge badge-muted" title="No node-local-dns pod is scheduled on this node">
        no cache pod
      </span>
    );
  const scheduling = !row.podReady && row.podStatus === "Scheduling";
  return (
    <span className="pod-cell">
      <span
        className={`badge ${row.podReady ? "badge-ok" : scheduling ? "badge-warn" : "badge-bad"}`}
        data-pod-state={scheduling ? "scheduling" : undefined}
        title={
          scheduling ? "The pod is created for this node; the scheduler has not bound it yet" : undefined
        }
      >
        {row.podReady ? "Ready" : scheduling ? "scheduling" : (row.podStatus ?? "NotReady")}
      </span>
      <code title={row.image ?? undefined}>{row.pod}</code>
    </span>
  );
}

function ScrapeCell({ row, now }: { row: OverviewRow; now: number }) {
  if (row.error) {
    return (
      <span className="scrape-error" role="status" title={row.error.message}>
        failed: {row.error.message}
      </span>
    );
  }
  if (!row.lastScrapeAt) return <span className="muted">{row.pod ? "waiting for first scrape" : "—"}</span>;
  return (
    <span className="muted" title={`read via ${row.transport}`}>
      {formatAgo(row.lastScrapeAt, now)} · {row.transport}
    </span>
  );
}
