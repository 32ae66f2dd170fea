"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { NodeConditionsTable, PodEvents } from "./conditions-events";
import { NodeCharts } from "./node-charts";
import { ReachabilityPanel } from "./reachability-panel";
import { useNodeDetail } from "./use-node-detail";
import { formatAgo, formatBytes, formatCount, formatPercent, formatRate, formatSeconds } from "@/lib/format";

const RANGES = [5, 15, 60] as const;

/** Container for a node's page: latest numbers, "do pods reach this cache?", and every signal over time. */
export function NodeDetail({ node }: { node: string }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const rangeParam = Number(params.get("range"));
  const range = (RANGES as readonly number[]).includes(rangeParam) ? rangeParam : 15;
  const { data, error, isPending } = useNodeDetail(node, range);

  if (isPending)
    return (
      <p className="muted" role="status">
        Loading {node}…
      </p>
    );
  if (error && !data) {
    return (
      <div className="banner banner-bad" role="alert">
        {error.message} <Link href="/">Back to all nodes</Link>
      </div>
    );
  }
  if (!data) return null;
  const r = data.node;
  const now = Date.parse(data.generatedAt);
  return (
    <>
      <p className="crumbs">
        <Link href="/">Nodes</Link> / <strong>{r.node}</strong>
      </p>
      <div className="detail-head">
        <h1>{r.node}</h1>
        {r.pod ? (
          <span className={`badge ${r.podReady ? "badge-ok" : "badge-bad"}`}>
            {r.podReady ? "Ready" : (r.podStatus ?? "NotReady")}
          </span>
        ) : (
          <span className="badge badge-muted">no cache pod</span>
        )}
        {r.oddOneOut.length > 0 && (
          <span className="badge badge-warn">odd one out: {r.oddOneOut.join(", ")}</span>
        )}
        {r.nodeConditions.length > 0 && (
          <span className="badge badge-warn">{r.nodeConditions.join(", ")}</span>
        )}
      </div>
      <p className="muted">
        Pod <code>{r.pod ?? "—"}</code> · CoreDNS {r.corednsVersion ?? "?"} · {r.internalIP ?? "no IP"} · read
        via {r.transport ?? "—"} · last scrape {formatAgo(r.lastScrapeAt, now)}
        {r.restarts > 0 && ` · ${r.restarts} restarts`}
      </p>
      {r.error && (
        <div className="banner banner-bad" role="alert">
          Last scrape failed ({formatAgo(r.error.at, now)}): {r.error.message}
        </div>
      )}
      <section className="cards" aria-label="Latest numbers">
        <Stat label="Queries" value={formatRate(r.rates?.queriesPerSecond)} />
        <Stat label="Hit ratio (interval)" value={formatPercent(r.rates?.hitRatio)} />
        <Stat
          label="Hits"
          value={formatCount(r.cache?.hits)}
          detail={`success ${formatRate(r.rates?.hitsSuccessPerSecond)}, denial ${formatRate(r.rates?.hitsDenialPerSecond)}`}
        />
        <Stat
          label="Misses"
          value={formatCount(r.cache?.misses)}
          detail={formatRate(r.rates?.missesPerSecond)}
        />
        <Stat
          label="Entries"
          value={formatCount(r.cache?.entries)}
          detail={`success ${formatCount(r.cache?.entriesSuccess)}, denial ${formatCount(r.cache?.entriesDenial)}`}
        />
        <Stat
          label="p50 / p90 / p99"
          value={formatSeconds(r.rates?.latencyP99)}
          detail={`${formatSeconds(r.rates?.latencyP50)} / ${formatSeconds(r.rates?.latencyP90)}`}
        />
        <Stat
          label="SERVFAIL"
          value={formatRate(r.rates?.responsesPerSecondByRcode.SERVFAIL ?? 0)}
          detail={`NXDOMAIN ${formatRate(r.rates?.responsesPerSecondByRcode.NXDOMAIN ?? 0)}`}
        />
        <Stat
          label="Upstream"
          value={formatRate(data.upstream?.requestsPerSecond)}
          detail={`health-check failures ${formatRate(data.upstream?.healthcheckFailuresPerSecond)}`}
        />
        <Stat label="Memory" value={formatBytes(r.memoryBytes)} />
        <SetupErrorsStat errors={data.setupErrors} />
      </section>

      <h2>Node conditions</h2>
      <NodeConditionsTable conditions={data.conditions} now={now} />

      <h2>Cache pod events</h2>
      <PodEvents node={node} now={now} />

      <h2>Do pods really reach this cache?</h2>
      <ReachabilityPanel reachability={data.reachability} interception={data.interception} />

      <h2>Server blocks</h2>
      {data.serverBlocks.length === 0 ? (
        <p className="muted">
          No per-block numbers yet (CoreDNS 1.7.0 does not label its cache metrics by zone).
        </p>
      ) : (
        <div className="table-wrap">
          <table className="data-table compact" aria-label="Server blocks">
            <thead>
              <tr>
                <th scope="col">Zone</th>
                <th scope="col" className="num">
                  Queries
                </th>
                <th scope="col" className="num">
                  Hits
                </th>
                <th scope="col" className="num">
                  Misses
                </th>
                <th scope="col" className="num">
                  Hit ratio
                </th>
                <th scope="col" className="num">
                  Entries
                </th>
              </tr>
            </thead>
            <tbody>
              {data.serverBlocks.map((z) => (
                <tr key={z.zone}>
                  <th scope="row">
                    <code>{z.zone}</code>
                  </th>
                  <td className="num">{formatRate(z.queriesPerSecond)}</td>
                  <td className="num">{formatRate(z.hitsPerSecond)}</td>
                  <td className="num">{formatRate(z.missesPerSecond)}</td>
                  <td className="num">{formatPercent(z.hitRatio)}</td>
                  <td className="num">{formatCount(z.entries)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div className="section-head">
        <h2>Over time</h2>
        <div role="group" aria-label="Time range" className="segmented">
          {RANGES.map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={m === range}
              onClick={() => {
                const next = new URLSearchParams(params.toString());
                next.set("range", String(m));
                router.replace(`${pathname}?${next.toString()}`, { scroll: false });
              }}
            >
              {m < 60 ? `${m} min` : "1 h"}
            </button>
          ))}
        </div>
      </div>
      <NodeCharts detail={data} />
    </>
  );
}

/** node-cache's interface/iptables setup failures (coredns_nodecache_setup_errors_total): non-zero ones named. */
function SetupErrorsStat({ errors }: { errors: Record<string, number> | null }) {
  if (!errors) {
    return (
      <Stat
        label="Setup errors"
        value="—"
        detail="not on this port (CoreDNS 1.7.0: node-cache's :9353 only)"
      />
    );
  }
  const failing = Object.entries(errors).filter(([, n]) => n > 0);
  const total = failing.reduce((t, [, n]) => t + n, 0);
  return (
    <Stat
      label="Setup errors"
      value={formatCount(total)}
      detail={
        failing.length
          ? failing.map(([type, n]) => `${type} ${formatCount(n)}`).join(", ")
          : "none since start"
      }
    />
  );
}

function Stat({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="card">
      <div className="card-label">{label}</div>
      <div className="card-value" data-stat={label}>
        {value}
      </div>
      {detail && <div className="card-detail">{detail}</div>}
    </div>
  );
}
