"use client";

import { useQuery } from "@tanstack/react-query";
import type { NodeNamesResponse } from "@/lib/api-types";
import { fetchJson } from "@/lib/client/fetch-json";

export const nodesKeys = {
  all: ["nodes"] as const,
  names: ["nodes", "(names)"] as const,
  detail: (node: string) => ["nodes", node] as const,
};

/**
 * Only the node names (the Logs page's picker): a few bytes a node instead of a row of numbers, and
 * every 15 s, as nodes come and go far more slowly than numbers change.
 */
export function useNodeNames() {
  return useQuery({
    queryKey: nodesKeys.names,
    queryFn: () => fetchJson<NodeNamesResponse>("/api/nodes?fields=names"),
    refetchInterval: 15_000,
  });
}
