"use client";

import { memo } from "react";
import { OffloadChart } from "@/components/charts/offload-chart";
import { PALETTE, TimeSeriesChart } from "@/components/charts/time-series-chart";
import { formatPercent, formatRate, formatSeconds } from "@/lib/format";
import { useCluster } from "./use-cluster";

/** The whole cluster over the last `minutes`: traffic, cache effectiveness, kube-dns offload, latency, errors. */
export const ClusterCharts = memo(function ClusterCharts({ minutes }: { minutes: number }) {
  const { data } = useCluster(minutes);
  if (!data) return null;
  const points = data.history as unknown as ({ t: number } & Record<string, number | null>)[];
  return (
    <section className="chart-grid overview-charts" aria-label={`Cluster over the last ${minutes} minutes`}>
      <OffloadChart points={data.history} scope="the caches" height={150} />
      <TimeSeriesChart
        title="Queries per second, all nodes"
        points={points}
        series={[
          { key: "queriesPerSecond", label: "queries", color: PALETTE[0] ?? "" },
          { key: "missesPerSecond", label: "cache misses (to upstream)", color: PALETTE[1] ?? "" },
        ]}
        format={formatRate}
        height={150}
      />
      <TimeSeriesChart
        title="Cache hit ratio, all nodes"
        points={points}
        series={[{ key: "hitRatio", label: "hit ratio", color: PALETTE[2] ?? "" }]}
        format={(v) => formatPercent(v, 0)}
        domain={[0, 1]}
        height={150}
      />
      <TimeSeriesChart
        title="Latency: median node p50, worst node p99"
        points={points}
        series={[
          { key: "latencyP50", label: "p50 (median node)", color: PALETTE[0] ?? "" },
          { key: "latencyP99", label: "p99 (worst node)", color: PALETTE[4] ?? "" },
        ]}
        format={formatSeconds}
        height={150}
      />
      <TimeSeriesChart
        title="SERVFAIL and NXDOMAIN per second"
        points={points}
        series={[
          { key: "servfailPerSecond", label: "SERVFAIL", color: PALETTE[4] ?? "" },
          { key: "nxdomainPerSecond", label: "NXDOMAIN", color: PALETTE[1] ?? "" },
        ]}
        format={formatRate}
        height={150}
      />
    </section>
  );
});
