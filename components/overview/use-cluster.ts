"use client";

import { useQuery } from "@tanstack/react-query";
import type { ClusterResponse } from "@/lib/api-types";
import { fetchJson } from "@/lib/client/fetch-json";

export const clusterKeys = { history: (minutes: number) => ["cluster", minutes] as const };

/** Cluster-wide aggregates and their history for the last `minutes`. */
export function useCluster(minutes: number) {
  return useQuery({
    queryKey: clusterKeys.history(minutes),
    queryFn: () => fetchJson<ClusterResponse>(`/api/cluster?since=${Date.now() - minutes * 60_000}`),
    refetchInterval: 5000,
  });
}
