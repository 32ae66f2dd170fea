"use client";

import { OffloadChart } from "@/components/charts/offload-chart";
import { PALETTE, TimeSeriesChart } from "@/components/charts/time-series-chart";
import type { NodeDetailResponse } from "@/lib/api-types";
import { formatBytes, formatCount, formatPercent, formatRate, formatSeconds } from "@/lib/format";

/** Every signal of one node over time; the per-block charts break it down by server block, the per-address chart by listen address. */
export function NodeCharts({ detail }: { detail: NodeDetailResponse }) {
  const h = detail.history as unknown as ({ t: number } & Record<string, number | null>)[];
  const blockSeries = detail.serverBlocks.map((z, i) => ({
    key: z.zone,
    label: z.zone,
    color: PALETTE[i % PALETTE.length] ?? "#000",
  }));
  const byBlock = (signal: "queriesPerSecond" | "hitRatio" | "entries") =>
    mergeByTime(detail.serverBlocks.map((z) => ({ key: z.zone, points: z.history, signal })));
  const byAddress = mergeByTime(
    detail.listenAddresses.map((s) => ({
      key: s.server,
      points: s.history,
      signal: "queriesPerSecond" as const,
    })),
  );
  const addressSeries = detail.listenAddresses.map((s, i) => ({
    key: s.server,
    label: s.server,
    color: PALETTE[i % PALETTE.length] ?? "#000",
  }));
  return (
    <div className="chart-grid">
      <OffloadChart points={detail.history} scope="this cache" />
      <TimeSeriesChart
        title="Queries per second by server block"
        points={byBlock("queriesPerSecond")}
        series={blockSeries}
        format={formatRate}
      />
      <TimeSeriesChart
        title="Cache hit ratio by server block"
        points={byBlock("hitRatio")}
        series={blockSeries}
        format={(v) => formatPercent(v, 0)}
        domain={[0, 1]}
      />
      <TimeSeriesChart
        title="Cache hits and misses per second"
        points={h}
        series={[
          { key: "hitsPerSecond", label: "hits", color: PALETTE[2] ?? "" },
          { key: "missesPerSecond", label: "misses", color: PALETTE[1] ?? "" },
        ]}
        format={formatRate}
      />
      <TimeSeriesChart
        title="Cache entries by server block"
        points={byBlock("entries")}
        series={blockSeries}
        format={formatCount}
      />
      <TimeSeriesChart
        title="Request latency"
        points={h}
        series={[
          { key: "latencyP50", label: "p50", color: PALETTE[0] ?? "" },
          { key: "latencyP90", label: "p90", color: PALETTE[1] ?? "" },
          { key: "latencyP99", label: "p99", color: PALETTE[4] ?? "" },
        ]}
        format={formatSeconds}
      />
      <TimeSeriesChart
        title="Error responses per second"
        points={h}
        series={[
          { key: "nxdomainPerSecond", label: "NXDOMAIN", color: PALETTE[1] ?? "" },
          { key: "servfailPerSecond", label: "SERVFAIL", color: PALETTE[4] ?? "" },
          { key: "refusedPerSecond", label: "REFUSED", color: PALETTE[3] ?? "" },
        ]}
        format={formatRate}
      />
      <TimeSeriesChart
        title="Evictions, prefetches, stale answers per second"
        points={h}
        series={[
          { key: "evictionsPerSecond", label: "evictions", color: PALETTE[4] ?? "" },
          { key: "prefetchesPerSecond", label: "prefetches", color: PALETTE[0] ?? "" },
          { key: "servedStalePerSecond", label: "served stale", color: PALETTE[6] ?? "" },
        ]}
        format={formatRate}
      />
      <TimeSeriesChart
        title="Upstream (forward) requests per second and health-check failures"
        points={h}
        series={[
          { key: "upstreamPerSecond", label: "requests", color: PALETTE[0] ?? "" },
          {
            key: "upstreamHealthcheckFailuresPerSecond",
            label: "health-check failures",
            color: PALETTE[4] ?? "",
          },
        ]}
        format={formatRate}
      />
      <TimeSeriesChart
        title="Upstream p99 latency"
        points={h}
        series={[{ key: "upstreamLatencyP99", label: "p99", color: PALETTE[3] ?? "" }]}
        format={formatSeconds}
      />
      <TimeSeriesChart
        title="Queries per second by listen address"
        points={byAddress}
        series={addressSeries}
        format={formatRate}
      />
      <TimeSeriesChart
        title="Memory (resident)"
        points={h}
        series={[{ key: "memoryBytes", label: "memory", color: PALETTE[5] ?? "" }]}
        format={formatBytes}
      />
    </div>
  );
}

/** Join several series on their timestamps into one array of points for a multi-line chart. */
function mergeByTime<S extends string>(
  series: {
    key: string;
    points: readonly ({ t: number } & Partial<Record<S, number | null>>)[];
    signal: S;
  }[],
) {
  const byT = new Map<number, { t: number } & Record<string, number | null>>();
  for (const s of series) {
    for (const p of s.points) {
      let row = byT.get(p.t);
      if (!row) byT.set(p.t, (row = { t: p.t } as { t: number } & Record<string, number | null>));
      row[s.key] = p[s.signal] ?? null;
    }
  }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}
