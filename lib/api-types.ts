/**
 * The JSON the dashboard's HTTP API returns (documented in the README). Shared by route handlers and
 * the browser; no server code here.
 */
import type { ApiServerProblem, DaemonSetSummary, NodeCondition, PodEvent } from "@/lib/k8s/types";
export type { NodeCondition, PodEvent } from "@/lib/k8s/types";
import type { ClusterAggregate } from "@/lib/coredns/aggregate";
import type { HistoryPoint, ZoneSignal } from "@/lib/metrics/history";
import type { MetricsSourceInfo, MetricsStatus, MetricsTransport } from "@/lib/metrics/store";

/** Where the page's numbers come from, and whether that source can be read right now. */
export type MetricsSourceJson = MetricsSourceInfo & { problem: MetricsStatus["problem"] };
import type { NodeRates, ZoneRates } from "@/lib/coredns/rates";
import type { Reachability } from "@/lib/coredns/reachability";
import type { InterceptionMode } from "@/lib/coredns/interception";
import type { NodeHealth } from "@/lib/coredns/health";
export type { HealthReason, HealthState, NodeHealth } from "@/lib/coredns/health";

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
  /** The node's conditions that are not nominal besides Ready, e.g. "MemoryPressure=True"; usually empty. */
  nodeConditions: string[];
  internalIP: string | null;
  /**
   * The node-local-dns pod on this node, null when the node has none (e.g. a taint keeps it off); a
   * pod created for this node that the scheduler has not bound yet counts (podStatus "Scheduling").
   */
  pod: string | null;
  /** The node-local-dns pod is Ready (false when there is none). */
  podReady: boolean;
  /** As `kubectl get pods` shows it (Running, ContainerCreating...), "Scheduling" while not yet bound. */
  podStatus: string | null;
  restarts: number;
  corednsVersion: string | null;
  image: string | null;
  cache: NodeCacheNumbers | null;
  rates: NodeRates | null;
  memoryBytes: number | null;
  transport: MetricsTransport | null;
  lastScrapeAt: string | null;
  error: { message: string; at: string } | null;
  /** Signals on which this node stands out from the others (e.g. "hit ratio", "p99 latency"), stable across rounds. */
  oddOneOut: string[];
  /** The health verdict of this node's cache, judged each round: state, reasons, since when. */
  health: NodeHealth;
  /** Does pod traffic reach this cache on the kube-dns address (iptables mode) or only link-local? */
  reachability: Reachability["verdict"] | null;
  /** LRP layout: the CiliumLocalRedirectPolicy ("namespace/name") that sends pods' kube-dns queries here. */
  redirectPolicy: string | null;
}

/** How pods' queries reach node-local-dns (lib/coredns/interception.ts), for the whole DaemonSet. */
export interface InterceptionJson {
  mode: InterceptionMode;
  evidence: string;
  /** LRP layout only: the policies selecting the pods ("namespace/name"), or why they cannot be read. */
  redirect: { policies: string[]; problem: string | null } | null;
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
  metricsSource: MetricsSourceJson;
  /** Null until the DaemonSet is known. */
  interception: InterceptionJson | null;
  nodes: NodeRow[];
}

/**
 * `GET /api/overview[?since=<version>&rows=<name,…>]`: the overview's rows in the compact columnar form
 * of lib/overview/wire.ts, beside the same fields as `/api/nodes` (without `nodes`).
 */
/** GET /api/nodes?fields=names. */
export interface NodeNamesResponse {
  generatedAt: string;
  names: string[];
}

export interface OverviewResponse extends Omit<NodesResponse, "nodes"> {
  /** What the browser holds after applying this answer; send it back as `since`. */
  version: string;
  /** "full": `table` is every row. "delta": `table` holds the rows changed or added after `since`. */
  kind: "full" | "delta";
  since: string | null;
  table: TableJson;
  /** Names removed after `since` (a table of names only). */
  removed: TableJson;
  /** The rows named in `rows=` (those on screen), every cell exact. */
  window: TableJson;
  /** Whole-cluster numbers from every row, for the cards and the health banner. */
  summary: OverviewSummary;
}
export type { OverviewRow, OverviewSummary, TableJson } from "@/lib/overview/wire";
import type { OverviewSummary, TableJson } from "@/lib/overview/wire";

/** One point of a history series: `t` in ms since the epoch. */
export type HistoryPointJson = { t: number } & HistoryPoint;

export interface NodeDetailResponse {
  generatedAt: string;
  node: NodeRow;
  scrapeIntervalMs: number;
  serverBlocks: (ZoneRates & { history: ({ t: number } & Record<ZoneSignal, number | null>)[] })[];
  reachability: Reachability | null;
  /** Null until the DaemonSet is known. */
  interception: InterceptionJson | null;
  listenAddresses: { server: string; history: { t: number; queriesPerSecond: number | null }[] }[];
  history: HistoryPointJson[];
  upstream: {
    requestsPerSecond: number | null;
    healthcheckFailuresPerSecond: number | null;
    brokenTotal: number | null;
  } | null;
  configHash: string | null;
  /** node-cache's setup errors by errortype since the pod started; null when this port does not export them. */
  setupErrors: Record<string, number> | null;
  /** Every condition of the node, as the kubelet reports it. */
  conditions: NodeCondition[];
}

/**
 * GET /api/nodes/{node}/events: the cache pod's recent Kubernetes Events, newest first (read on
 * demand, at most 10 s old). `problem.status` 403: the person (or the dashboard's own account) may
 * not list events — the page says so and shows everything else; `pod` null: the node has no cache pod.
 */
export interface PodEventsJson {
  pod: string | null;
  events: PodEvent[];
  readAt: string | null;
  problem: { status: number; message: string } | null;
}

export interface ClusterResponse {
  generatedAt: string;
  nodes: number;
  nodesWithPod: number;
  podsReady: number;
  scrapeErrors: number;
  metricsSource: MetricsSourceJson;
  aggregate: ClusterAggregate;
  history: HistoryPointJson[];
  /** Bytes the collector's history holds now, and at most (all rings full). */
  historyBytes: number;
}

// ---- Config page (issue 5): /api/config, /api/config/preview|history|rollback, /api/rollout[/restart] ----
// The shapes live beside the code that builds them (lib/config); re-exported here for the browser.
export type * from "@/lib/config/wire-types";
import type {
  ConfigSnapshot as ConfigSnapshotType,
  LogOffState as LogOffStateType,
} from "@/lib/config/wire-types";
/** `GET /api/config`. */
export type ConfigResponse = ConfigSnapshotType & { logOff: LogOffStateType | null };
/** A 409 from `PUT /api/config` or the preview: both versions' text. */
export interface ConfigConflictBody {
  error: { status: 409; message: string };
  current: { resourceVersion: string; corefile: string };
  yours: { resourceVersion: string; corefile: string };
  /** Who wrote the ConfigMap since `yours.resourceVersion`, newest first, as far as the history knows. */
  changedBy?: { user: string; at: string; source: "dashboard" | "outside" }[];
}

// ---- Logs: the SSE events of /api/logs/stream, and what the page derives from them ----
export type { LogFollowing, LogLineEvent, LogNotice, CorednsLogLine } from "@/lib/logs/types";
export type { ApiServerProblem } from "@/lib/k8s/types";
