/**
 * The seam between "where the numbers come from" and "what the API serves". The pages' data
 * builders (lib/views) and the Config page's rollout view read every node's numbers through this
 * interface only; the scrape collector (lib/metrics/collector.ts) implements it from its own
 * scrapes and in-memory history, a metrics engine (Prometheus, Thanos, Mimir, VictoriaMetrics)
 * source implements it from PromQL. Nothing here does I/O.
 */
import type { NodeRates, ZoneRates } from "@/lib/coredns/rates";
import type { NodeScrape } from "@/lib/coredns/node-record";
import type { HistoryPoint, HistorySignal, ZoneSignal } from "./history";

/** How the numbers were read from a node: a transport of the scrape source, or a metrics engine. */
export type MetricsTransport = "direct" | "proxy" | "portforward" | "prometheus";

/** Where the dashboard's numbers come from, for the label on every page. */
export interface MetricsSourceInfo {
  kind: "scrape" | "prometheus";
  /** "scraping every pod each 5 s" / "Prometheus at http://…": what the page says. */
  description: string;
}

/** Why a node's latest numbers could not be read. */
export interface ScrapeFailure {
  message: string;
  /** ISO time of the failed attempt. */
  at: string;
  transport: MetricsTransport | null;
}

/** One node's latest numbers, as the source last read them. */
export interface NodeMetrics {
  node: string;
  /** The pod the numbers are from: rows must not show an old pod's numbers beside a new pod. */
  pod: string;
  podStartedAt: string | null;
  transport: MetricsTransport | null;
  lastScrapeAt: string | null;
  /** The node record of the newest read, null before the first. */
  scrape: NodeScrape | null;
  /** Rates over the last interval (two reads), null until there are two. */
  rates: NodeRates | null;
  /** Per server block (zone). */
  serverBlockRates: ZoneRates[];
  /** Queries per second per listen address (`server` label). */
  listenAddressRates: Record<string, number>;
  error: ScrapeFailure | null;
}

/** One point of a history series: `t` in ms since the epoch. */
export type Timed<P> = { t: number } & P;

export interface ServerBlockHistory {
  zone: string;
  history: Timed<Record<ZoneSignal, number | null>>[];
}

export interface ListenAddressHistory {
  server: string;
  history: Timed<{ queriesPerSecond: number | null }>[];
}

/** The source's own state, for the pages' "last updated" and the dashboard's health. */
export interface MetricsStatus {
  lastRoundAt: string | null;
  lastRoundMs: number;
  intervalMs: number;
  /** Bytes the history holds now (0 where the engine holds the history). */
  historyBytes: number;
  /** The source itself cannot be read (e.g. the metrics engine is down), with since when. */
  problem: { message: string; since: string } | null;
}

/** The read interface every source of numbers implements. */
export interface MetricsStore {
  readonly source: MetricsSourceInfo;
  /** The latest numbers of one node, undefined when the source knows nothing of it. */
  latest(node: string): NodeMetrics | undefined;
  /** The latest numbers of every node the source knows. */
  allLatest(): NodeMetrics[];
  /** The median of a signal over the node's most recent `points` points (noisy signals are smoothed). */
  recentMedian(node: string, signal: HistorySignal, points: number): number | null;
  /** One node's history since `sinceMs`. */
  nodeHistory(node: string, sinceMs: number): Promise<Timed<HistoryPoint>[]>;
  /** One node's history per server block since `sinceMs`. */
  serverBlockHistory(node: string, sinceMs: number): Promise<ServerBlockHistory[]>;
  /** One node's queries per second per listen address since `sinceMs`. */
  listenAddressHistory(node: string, sinceMs: number): Promise<ListenAddressHistory[]>;
  /** Cluster-wide aggregates over time since `sinceMs`. */
  clusterHistory(sinceMs: number): Promise<Timed<HistoryPoint>[]>;
  status(): MetricsStatus;
  /**
   * Read every node once more now (bounded by the source's own timeout), e.g. just before a write so
   * the liveness baseline is current.
   */
  refresh(): Promise<void>;
  start(): void;
  /** Stops reading and aborts reads in flight. */
  stop(): Promise<void>;
}
