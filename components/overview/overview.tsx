"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { ColumnChooser, useHiddenColumns } from "@/components/table/column-chooser";
import { ApiProblemBanner } from "@/components/layout/api-problem-banner";
import { MetricsSourceLabel, MetricsSourceProblemBanner } from "@/components/layout/metrics-source";
import { filterRows, isRowSet, ROW_SETS, type RowSet } from "@/components/nodes/node-filter";
import { COLUMNS, NodeTable } from "@/components/nodes/node-table";
import { isSortKey, type SortDir, type SortKey } from "@/components/nodes/sort";
import type { OverviewResponse } from "@/lib/api-types";
import { formatCount, formatPercent, formatRate } from "@/lib/format";
import { ClusterCharts } from "./cluster-charts";
import { useOverview } from "./use-overview";

const WINDOWS = [5, 15, 60] as const;
const CHOOSABLE = COLUMNS.filter((c) => c.optional);

/**
 * Container for the first page: holds every node's row from /api/overview (only what changed after
 * the first load, the rows on screen exact); owns sorting, filtering and the chart window, all in
 * the URL so a view can be shared. The URL is updated with the History API, which Next.js keeps in
 * step with useSearchParams: sorting or filtering never costs a server round trip.
 */
export function Overview() {
  const { data: state, error, isPending, setWindow } = useOverview();
  const params = useSearchParams();
  const pathname = usePathname();
  const now = useNow(1000);
  const [hidden, toggleColumn] = useHiddenColumns("nldd.hiddenColumns");

  const sortParam = params.get("sort");
  const sort: SortKey = isSortKey(sortParam) ? sortParam : "node";
  const dir: SortDir = params.get("dir") === "desc" ? "desc" : "asc";
  const text = params.get("q") ?? "";
  const onlyParam = params.get("only");
  const only: RowSet = isRowSet(onlyParam) ? onlyParam : "all";
  const windowParam = Number(params.get("window"));
  const windowMinutes = (WINDOWS as readonly number[]).includes(windowParam) ? windowParam : 15;
  const setParams = useCallback(
    (changes: Record<string, string | null>) => {
      const next = new URLSearchParams(params.toString());
      for (const [k, v] of Object.entries(changes)) {
        if (v === null || v === "") next.delete(k);
        else next.set(k, v);
      }
      const qs = next.toString();
      window.history.replaceState(null, "", qs ? `${pathname}?${qs}` : pathname);
    },
    [params, pathname],
  );
  const onSort = useCallback(
    (key: SortKey) => {
      const nextDir: SortDir =
        key === sort ? (dir === "asc" ? "desc" : "asc") : key === "node" ? "asc" : "desc";
      setParams({ sort: key, dir: nextDir });
    },
    [setParams, sort, dir],
  );
  const shown = useMemo(() => (state ? filterRows(state.rows, text, only) : []), [state, text, only]);

  if (isPending)
    return (
      <p className="muted" role="status">
        Loading nodes…
      </p>
    );
  if (error && !state) {
    return (
      <div className="banner banner-bad" role="alert">
        <strong>The dashboard cannot show the cluster:</strong> {error.message}
      </div>
    );
  }
  if (!state) return null;

  const data = state.meta;
  const summary = data.summary;
  const total = state.rows.length;
  const { unhealthy, critical, example } = summary;
  return (
    <>
      {unhealthy > 0 && (
        <div
          className={`banner ${critical ? "banner-bad" : "banner-warn"}`}
          role="status"
          data-testid="health-banner"
        >
          <strong>
            {unhealthy} of {summary.nodes} node{summary.nodes === 1 ? "" : "s"} need a look
          </strong>{" "}
          ({critical} critical, {unhealthy - critical} warning
          {example ? `; e.g. ${example.node}: ${example.reason}` : ""}
          ).{" "}
          {only !== "unhealthy" && (
            <button type="button" className="link-button" onClick={() => setParams({ only: "unhealthy" })}>
              Show only those
            </button>
          )}
        </div>
      )}
      {data.apiProblem && <ApiProblemBanner problem={data.apiProblem} apiServer={data.apiServer} now={now} />}
      <MetricsSourceProblemBanner source={data.metricsSource} now={now} />
      {error && (
        <div className="banner banner-warn" role="status">
          Showing data from {new Date(data.generatedAt).toLocaleTimeString()}: {error.message}
        </div>
      )}
      {data.interception?.redirect && data.interception.redirect.policies.length === 0 && (
        <div className="banner banner-warn" role="status" data-testid="redirect-banner">
          <strong>Cilium Local Redirect Policy layout, but no policy redirects to the caches.</strong>{" "}
          {data.interception.redirect.problem ??
            "No CiliumLocalRedirectPolicy in the DaemonSet's namespace selects the node-local-dns pods, so pods' queries to the kube-dns ClusterIP go to kube-dns and bypass every cache. Create one (redirectFrontend.serviceMatcher on kube-dns, redirectBackend.localEndpointSelector matching the node-local-dns pods, ports 53/UDP and 53/TCP)."}
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
          label="Pods reach the cache"
          value={summary.reachKnown ? `${summary.reached}/${summary.reachKnown}` : "—"}
          // Link-local only (IPVS mode) or unverified is neither: the node page says which.
          tone={
            summary.unreached > 0
              ? "bad"
              : summary.reachKnown && summary.reached === summary.reachKnown
                ? "ok"
                : undefined
          }
          detail={reachDetail(data.interception)}
        />
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
      {data.synced && total === 0 && (
        <div className="empty">
          <strong>No nodes found.</strong> The API server at <code>{data.apiServer}</code> lists no nodes — is
          this the right context (<code>{data.context}</code>)?
        </div>
      )}
      {data.synced && total > 0 && !data.daemonSet && (
        <div className="banner banner-warn" role="status">
          No DaemonSet <code>node-local-dns</code> found in the configured namespace. Install NodeLocal
          DNSCache, or set <code>DASHBOARD_NAMESPACE</code> / <code>DASHBOARD_DAEMONSET</code> to where it
          runs.
        </div>
      )}
      {total > 0 && (
        <>
          <div className="table-tools" role="search">
            <label>
              <span className="visually-hidden">Filter nodes</span>
              <input
                type="search"
                placeholder="Filter: node, pod, CoreDNS version…"
                aria-label="Filter nodes by name, pod, CoreDNS version or image"
                defaultValue={text}
                onChange={(e) => setParams({ q: e.target.value })}
              />
            </label>
            <label>
              Show{" "}
              <select
                aria-label="Which nodes to show"
                value={only}
                onChange={(e) => setParams({ only: e.target.value === "all" ? null : e.target.value })}
              >
                {Object.entries(ROW_SETS).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v.label}
                  </option>
                ))}
              </select>
            </label>
            <ColumnChooser columns={CHOOSABLE} hidden={hidden} onToggle={toggleColumn} />
            <span className="muted" role="status" data-testid="shown-count">
              {shown.length === total ? `${total} nodes` : `${shown.length} of ${total} nodes`}
            </span>
          </div>
          {shown.length === 0 ? (
            <div className="empty">
              No node matches this filter.{" "}
              <button
                type="button"
                className="link-button"
                onClick={() => setParams({ q: null, only: null })}
              >
                Show all nodes
              </button>
            </div>
          ) : (
            <NodeTable
              rows={shown}
              sort={sort}
              dir={dir}
              onSort={onSort}
              hidden={hidden}
              now={now}
              onWindow={setWindow}
            />
          )}
        </>
      )}
      {total > 0 && (
        <>
          <div className="section-head">
            <h2>The whole cluster, last {windowMinutes} minutes</h2>
            <label>
              Window{" "}
              <select
                aria-label="Chart time window"
                value={windowMinutes}
                onChange={(e) => setParams({ window: e.target.value === "15" ? null : e.target.value })}
              >
                {WINDOWS.map((w) => (
                  <option key={w} value={w}>
                    {w === 60 ? "1 hour" : `${w} minutes`}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <ClusterCharts minutes={windowMinutes} />
        </>
      )}
    </>
  );
}

/** Where the reach card's verdict comes from: the kube-dns address, or the redirect policy. */
function reachDetail(interception: OverviewResponse["interception"]): string {
  const redirect = interception?.redirect;
  if (!redirect) return "nodes whose pods' kube-dns queries arrive here";
  if (redirect.policies.length > 0) return `through the redirect policy ${redirect.policies.join(", ")}`;
  return redirect.problem ? "redirect policies unreadable" : "no redirect policy found";
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
