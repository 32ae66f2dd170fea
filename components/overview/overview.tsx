"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { ApiProblemBanner } from "@/components/layout/api-problem-banner";
import { MetricsSourceLabel, MetricsSourceProblemBanner } from "@/components/layout/metrics-source";
import { filterRows, isRowSet, ROW_SETS, type RowSet } from "@/components/nodes/node-filter";
import { COLUMNS, NodeTable } from "@/components/nodes/node-table";
import { isSortKey, type SortDir, type SortKey } from "@/components/nodes/sort";
import { useNodes } from "@/components/nodes/use-nodes";
import type { NodesResponse } from "@/lib/api-types";
import { formatCount, formatPercent, formatRate } from "@/lib/format";
import { ClusterCharts } from "./cluster-charts";
import { summarizeCluster } from "./cluster-summary";

const WINDOWS = [5, 15, 60] as const;

/**
 * Container for the first page: fetches /api/nodes; owns sorting, filtering and the chart window,
 * all in the URL so a view can be shared. The URL is updated with the History API, which Next.js
 * keeps in step with useSearchParams: sorting or filtering never costs a server round trip.
 */
export function Overview() {
  const { data, error, isPending } = useNodes();
  const params = useSearchParams();
  const pathname = usePathname();
  const now = useNow(1000);
  const [hidden, toggleColumn] = useHiddenColumns();

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
  const shown = useMemo(() => (data ? filterRows(data.nodes, text, only) : []), [data, text, only]);

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
  const unhealthy = data.nodes.filter((n) => n.health.state === "critical" || n.health.state === "warning");
  const critical = unhealthy.filter((n) => n.health.state === "critical").length;
  return (
    <>
      {unhealthy.length > 0 && (
        <div
          className={`banner ${critical ? "banner-bad" : "banner-warn"}`}
          role="status"
          data-testid="health-banner"
        >
          <strong>
            {unhealthy.length} of {data.nodes.length} node{data.nodes.length === 1 ? "" : "s"} need a look
          </strong>{" "}
          ({critical} critical, {unhealthy.length - critical} warning
          {unhealthy[0]?.health.reasons[0]
            ? `; e.g. ${unhealthy[0].node}: ${unhealthy[0].health.reasons[0].message}`
            : ""}
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
            <details className="column-chooser">
              <summary>Columns</summary>
              <fieldset>
                <legend className="visually-hidden">Columns to show</legend>
                {COLUMNS.filter((c) => c.optional).map((c) => (
                  <label key={c.id}>
                    <input type="checkbox" checked={!hidden.has(c.id)} onChange={() => toggleColumn(c.id)} />{" "}
                    {c.label}
                  </label>
                ))}
              </fieldset>
            </details>
            <span className="muted" role="status" data-testid="shown-count">
              {shown.length === data.nodes.length
                ? `${data.nodes.length} nodes`
                : `${shown.length} of ${data.nodes.length} nodes`}
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
            <NodeTable rows={shown} sort={sort} dir={dir} onSort={onSort} hidden={hidden} now={now} />
          )}
        </>
      )}
      {data.nodes.length > 0 && (
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
function reachDetail(interception: NodesResponse["interception"]): string {
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

const HIDDEN_KEY = "nldd.hiddenColumns";
const hiddenListeners = new Set<() => void>();

function readHidden(): string {
  try {
    return window.localStorage.getItem(HIDDEN_KEY) ?? "[]";
  } catch {
    return "[]";
  }
}

/** Optional columns the reader has hidden, remembered in this browser (localStorage). */
function useHiddenColumns(): [ReadonlySet<string>, (id: string) => void] {
  const raw = useSyncExternalStore(
    (onChange) => {
      hiddenListeners.add(onChange);
      return () => hiddenListeners.delete(onChange);
    },
    readHidden,
    () => "[]",
  );
  const hidden = useMemo(() => {
    try {
      const saved = JSON.parse(raw) as unknown;
      return new Set(Array.isArray(saved) ? saved.filter((x): x is string => typeof x === "string") : []);
    } catch {
      return new Set<string>();
    }
  }, [raw]);
  const toggle = useCallback(
    (id: string) => {
      const next = new Set(hidden);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      try {
        window.localStorage.setItem(HIDDEN_KEY, JSON.stringify([...next]));
      } catch {
        // Private mode: nothing is remembered.
      }
      for (const l of hiddenListeners) l();
    },
    [hidden],
  );
  return [hidden, toggle];
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
