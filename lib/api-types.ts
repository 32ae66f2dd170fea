/**
 * The JSON the dashboard's HTTP API returns (documented in the README). Shared by route handlers and
 * the browser; no server code here.
 */
import type { ApiServerProblem, DaemonSetSummary } from "@/lib/k8s/types";
import type { NodeRates } from "@/lib/metrics/rates";

export interface NodeCacheNumbers {
  /** Cumulative, as the pod counted them since it started. */
  hits: number;
  misses: number;
  /** Entries in the success + denial caches now. */
  entries: number;
  entriesSuccess: number;
  entriesDenial: number;
  /** hits / (hits + misses) since the pod started; null before any cache request. */
  hitRatio: number | null;
  requests: number;
}

export interface NodeRow {
  node: string;
  nodeReady: boolean;
  internalIP: string | null;
  /** The node-local-dns pod on this node, null when the node has none (e.g. a taint keeps it off). */
  pod: string | null;
  ready: boolean;
  podStatus: string | null;
  restarts: number;
  corednsVersion: string | null;
  image: string | null;
  cache: NodeCacheNumbers | null;
  rates: NodeRates | null;
  memoryBytes: number | null;
  transport: "direct" | "proxy" | "portforward" | null;
  lastScrapeAt: string | null;
  error: { message: string; at: string } | null;
}

export interface NodesResponse {
  generatedAt: string;
  apiServer: string;
  context: string;
  /** Has the dashboard listed the cluster at least once? */
  synced: boolean;
  apiProblem: ApiServerProblem | null;
  daemonSet: DaemonSetSummary | null;
  scrapeIntervalMs: number;
  lastRoundAt: string | null;
  nodes: NodeRow[];
}
