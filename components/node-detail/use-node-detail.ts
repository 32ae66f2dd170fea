"use client";

import { useQuery } from "@tanstack/react-query";
import type { NodeDetailResponse } from "@/lib/api-types";
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
