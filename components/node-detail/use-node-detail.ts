"use client";

import { useQuery } from "@tanstack/react-query";
import type { NodeDetailResponse, PodEventsJson } from "@/lib/api-types";
import { fetchJson } from "@/lib/client/fetch-json";
import { nodesKeys } from "@/components/nodes/use-nodes";

export function useNodeDetail(node: string, rangeMinutes: number) {
  return useQuery({
    queryKey: [...nodesKeys.detail(node), rangeMinutes] as const,
    queryFn: () =>
      fetchJson<NodeDetailResponse>(
        `/api/nodes/${encodeURIComponent(node)}?since=${Date.now() - rangeMinutes * 60_000}`,
      ),
    refetchInterval: 2000,
  });
}

/**
 * The node's cache pod's Events, apart from its numbers (the API server is asked at most every 10 s
 * per pod, so a 5 s poll sees a new Event within 15 s).
 */
export function usePodEvents(node: string) {
  return useQuery({
    queryKey: [...nodesKeys.detail(node), "events"] as const,
    queryFn: () => fetchJson<PodEventsJson>(`/api/nodes/${encodeURIComponent(node)}/events`),
    refetchInterval: 5000,
  });
}
