"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { ApiProblemBanner } from "@/components/layout/api-problem-banner";
import { MetricsSourceLabel, MetricsSourceProblemBanner } from "@/components/layout/metrics-source";
import { NodeTable } from "@/components/nodes/node-table";
import { isSortKey, type SortDir, type SortKey } from "@/components/nodes/sort";
import { useNodes } from "@/components/nodes/use-nodes";
import { formatCount, formatPercent, formatRate } from "@/lib/format";
import { ClusterCharts } from "./cluster-charts";
import { summarizeCluster } from "./cluster-summary";

/** Container for the first page: fetches /api/nodes, owns sorting (in the URL), renders states. */
export function Overview() {
  const { data, error, isPending } = useNodes();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const now = useNow(1000);

  const sortParam = params.get("sort");
  const sort: SortKey = isSortKey(sortParam) ? sortParam : "node";
  const dir: SortDir = params.get("dir") === "desc" ? "desc" : "asc";
  const onSort = useCallback(
    (key: SortKey) => {
      const next = new URLSearchParams(params.toString());
      const nextDir: SortDir =
        key === sort ? (dir === "asc" ? "desc" : "asc") : key === "node" ? "asc" : "desc";
      next.set("sort", key);
      next.set("dir", nextDir);
      router.replace(`${pathname}?${next.toString()}`, { scroll: false });
    },
    [params, router, pathname, sort, dir],
  );

  if (isPending)
    return (
      <p className="muted" role="status">
        Loading nodes…
      </p>
    );
  if (error && !data) {
    return (
      <div className="banner banner-bad" role="alert">
        <strong>The dashboard cannot show the cluster:</strong> {error.message}
      </div>
    );
  }
  if (!data) return null;

  const summary = summarizeCluster(data.nodes);
  return (
    <>
      {data.apiProblem && <ApiProblemBanner problem={data.apiProblem} apiServer={data.apiServer} now={now} />}
      <MetricsSourceProblemBanner source={data.metricsSource} now={now} />
      {error && (
        <div className="banner banner-warn" role="status">
          Showing data from {new Date(data.generatedAt).toLocaleTimeString()}: {error.message}
        </div>
      )}
      <section className="cards" aria-label="Cluster summary">
        <Card
          label="Nodes"
          value={String(summary.nodes)}
          detail={`${summary.nodesWithPod} with a cache pod`}
        />
        <Card
          label="Cache pods ready"
          value={`${summary.podsReady}/${summary.nodesWithPod}`}
          tone={summary.podsReady < summary.nodesWithPod ? "bad" : "ok"}
          detail={
            data.daemonSet
              ? `DaemonSet ${data.daemonSet.namespace}/${data.daemonSet.name}`
              : "DaemonSet not found"
          }
        />
        <Card
          label="Queries"
          value={formatRate(summary.queriesPerSecond)}
          detail="all nodes, last interval"
        />
        <Card
          label="Cache hit ratio"
          value={formatPercent(summary.hitRatio)}
          detail="all nodes, since pod start"
        />
        <Card label="Cache entries" value={formatCount(summary.entries)} detail="success + denial" />
        <Card
          label="Scrape errors"
          value={String(summary.scrapeErrors)}
          tone={summary.scrapeErrors > 0 ? "bad" : "ok"}
          detail={`every ${Math.round(data.scrapeIntervalMs / 1000)} s`}
        />
      </section>
      <MetricsSourceLabel source={data.metricsSource} />
      {!data.synced && !data.apiProblem && (
        <p className="muted" role="status">
          Listing the cluster…
        </p>
      )}
      {data.synced && data.nodes.length === 0 && (
        <div className="empty">
          <strong>No nodes found.</strong> The API server at <code>{data.apiServer}</code> lists no nodes — is
          this the right context (<code>{data.context}</code>)?
        </div>
      )}
      {data.synced && data.nodes.length > 0 && !data.daemonSet && (
        <div className="banner banner-warn" role="status">
          No DaemonSet <code>node-local-dns</code> found in the configured namespace. Install NodeLocal
          DNSCache, or set <code>DASHBOARD_NAMESPACE</code> / <code>DASHBOARD_DAEMONSET</code> to where it
          runs.
        </div>
      )}
      {data.nodes.length > 0 && (
        <NodeTable rows={data.nodes} sort={sort} dir={dir} onSort={onSort} now={now} />
      )}
      {data.nodes.length > 0 && (
        <>
          <h2>The whole cluster, last 15 minutes</h2>
          <ClusterCharts />
        </>
      )}
    </>
  );
}

function Card({
  label,
  value,
  detail,
  tone,
}: {
  label: string;
  value: string;
  detail?: string;
  tone?: "ok" | "bad";
}) {
  return (
    <div className={`card${tone ? ` card-${tone}` : ""}`}>
      <div className="card-label">{label}</div>
      <div className="card-value" data-card={label}>
        {value}
      </div>
      {detail && <div className="card-detail">{detail}</div>}
    </div>
  );
}

/** A clock that ticks so "12s ago" stays true between refetches. */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}
