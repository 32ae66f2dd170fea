"use client";

import Link from "next/link";
import type { NodeRow } from "@/lib/api-types";
import { formatAgo, formatBytes, formatCount, formatPercent, formatRate, formatSeconds } from "@/lib/format";
import { sortRows, type SortDir, type SortKey } from "./sort";

interface Column {
  key: SortKey;
  label: string;
  title: string;
  numeric?: boolean;
}

const COLUMNS: Column[] = [
  { key: "node", label: "Node", title: "Kubernetes node name" },
  { key: "status", label: "Cache pod", title: "The node-local-dns pod on this node and its state" },
  { key: "version", label: "CoreDNS", title: "CoreDNS version the pod reports (coredns_build_info)" },
  {
    key: "qps",
    label: "Queries",
    title: "DNS queries per second over the last scrape interval",
    numeric: true,
  },
  {
    key: "hitRatio",
    label: "Hit ratio",
    title: "Cache hits / (hits + misses) since the pod started",
    numeric: true,
  },
  { key: "hits", label: "Hits", title: "Cache hits since the pod started", numeric: true },
  {
    key: "misses",
    label: "Misses",
    title: "Cache misses since the pod started (forwarded upstream)",
    numeric: true,
  },
  { key: "entries", label: "Entries", title: "Entries in the success + denial caches now", numeric: true },
  {
    key: "p99",
    label: "p99",
    title: "99th percentile request latency over the last interval",
    numeric: true,
  },
  { key: "memory", label: "Memory", title: "Resident memory of the node-cache process", numeric: true },
];

export interface NodeTableProps {
  rows: readonly NodeRow[];
  sort: SortKey;
  dir: SortDir;
  onSort: (key: SortKey) => void;
  now: number;
}

/** The node table: a pure renderer of rows; sorting state lives in the URL (the container owns it). */
export function NodeTable({ rows, sort, dir, onSort, now }: NodeTableProps) {
  const sorted = sortRows(rows, sort, dir);
  return (
    <div className="table-wrap">
      <table className="data-table" aria-label="Nodes and their DNS caches">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={c.numeric ? "num" : undefined}
                aria-sort={sort === c.key ? (dir === "asc" ? "ascending" : "descending") : "none"}
              >
                <button type="button" title={c.title} onClick={() => onSort(c.key)}>
                  {c.label}
                  <span aria-hidden="true" className="sort-mark">
                    {sort === c.key ? (dir === "asc" ? "▲" : "▼") : ""}
                  </span>
                </button>
              </th>
            ))}
            <th scope="col">Scrape</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.node} data-node={r.node} className={r.error ? "row-error" : undefined}>
              <th scope="row">
                <Link href={`/nodes/${encodeURIComponent(r.node)}`}>{r.node}</Link>
                {!r.nodeReady && <span className="badge badge-bad">node NotReady</span>}
                {r.oddOneOut.length > 0 && (
                  <span
                    className="badge badge-warn"
                    title={`Stands out from the other nodes: ${r.oddOneOut.join(", ")}`}
                  >
                    odd: {r.oddOneOut.join(", ")}
                  </span>
                )}
              </th>
              <td>
                <PodCell row={r} />
              </td>
              <td>{r.corednsVersion ?? "—"}</td>
              <td className="num" data-field="qps">
                {formatRate(r.rates?.queriesPerSecond)}
              </td>
              <td className="num" data-field="hitRatio">
                {formatPercent(r.cache?.hitRatio)}
              </td>
              <td className="num" data-field="hits">
                {formatCount(r.cache?.hits)}
              </td>
              <td className="num" data-field="misses">
                {formatCount(r.cache?.misses)}
              </td>
              <td className="num" data-field="entries">
                {formatCount(r.cache?.entries)}
              </td>
              <td className="num">{formatSeconds(r.rates?.latencyP99)}</td>
              <td className="num">{formatBytes(r.memoryBytes)}</td>
              <td>
                <ScrapeCell row={r} now={now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PodCell({ row }: { row: NodeRow }) {
  if (!row.pod)
    return (
      <span className="badge badge-muted" title="No node-local-dns pod is scheduled on this node">
        no cache pod
      </span>
    );
  return (
    <span className="pod-cell">
      <span className={`badge ${row.podReady ? "badge-ok" : "badge-bad"}`}>
        {row.podReady ? "Ready" : (row.podStatus ?? "NotReady")}
      </span>
      <code title={row.image ?? undefined}>{row.pod}</code>
      {row.restarts > 0 && (
        <span className="badge badge-warn" title="Container restarts">
          {row.restarts} restarts
        </span>
      )}
    </span>
  );
}

function ScrapeCell({ row, now }: { row: NodeRow; now: number }) {
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
