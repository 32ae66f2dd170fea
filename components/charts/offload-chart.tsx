"use client";

import { useMemo } from "react";
import { offloadSeries, type OffloadInput } from "@/lib/coredns/offload";
import { formatPercent, formatRate } from "@/lib/format";
import { PALETTE, TimeSeriesChart } from "./time-series-chart";

/**
 * kube-dns offload over time: answered from the cache (saved kube-dns a query) vs sent upstream, the
 * latest share answered from the cache in the title. The cluster's chart and each node's.
 */
export function OffloadChart({
  points,
  scope,
  height,
}: {
  points: readonly ({ t: number } & OffloadInput)[];
  /** "the caches" (cluster) or "this cache" (a node). */
  scope: string;
  height?: number;
}) {
  const series = useMemo(() => offloadSeries(points), [points]);
  let latest: number | null = null;
  for (let i = series.length - 1; i >= 0 && latest === null; i--)
    latest = series[i]?.answeredFromCacheRatio ?? null;
  return (
    <TimeSeriesChart
      title={`kube-dns offload: answered from ${scope} vs sent upstream${latest === null ? "" : ` (${formatPercent(latest, 0)} from cache now)`}`}
      points={series}
      series={[
        {
          key: "answeredFromCachePerSecond",
          label: "answered from cache (saved kube-dns)",
          color: PALETTE[2] ?? "",
        },
        { key: "sentUpstreamPerSecond", label: "sent upstream", color: PALETTE[1] ?? "" },
      ]}
      format={formatRate}
      height={height}
    />
  );
}
