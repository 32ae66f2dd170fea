"use client";

import { useQuery } from "@tanstack/react-query";
import type { NodesResponse } from "@/lib/api-types";
import { fetchJson } from "@/lib/client/fetch-json";

export const nodesKeys = {
  all: ["nodes"] as const,
  detail: (node: string) => ["nodes", node] as const,
};

/** Every node with its cache numbers, refreshed every 2 s (the server serves from memory). */
export function useNodes() {
  return useQuery({
    queryKey: nodesKeys.all,
    queryFn: () => fetchJson<NodesResponse>("/api/nodes"),
    refetchInterval: 2000,
  });
}
