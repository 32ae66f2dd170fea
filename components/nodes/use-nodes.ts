"use client";

import { useQuery } from "@tanstack/react-query";
import type { NodeNamesResponse, NodesResponse } from "@/lib/api-types";
import { fetchJson } from "@/lib/client/fetch-json";

export const nodesKeys = {
  all: ["nodes"] as const,
  names: ["nodes", "(names)"] as const,
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
