import "server-only";
import { describeError } from "@/lib/errors";
import type { ClusterInventory } from "@/lib/k8s/inventory";
import type { CachePod } from "@/lib/k8s/types";
import { HistoryRing, type HistoryPoint, type HistorySignal } from "./history";
import { historyPoint, NodeHistory } from "./counter-history";
import { aggregateCluster, clusterHistoryPoint } from "../coredns/aggregate";
import { forEachLimited } from "./limit";
import { buildNodeScrape, NODE_RECORD_SAMPLE_NAMES, type NodeScrape } from "../coredns/node-record";
import { parsePrometheusText } from "../prometheus-text/parse";
import { RatioWindow } from "../coredns/ratio-window";
import { nodeRates, serverRates, zoneRates } from "../coredns/rates";
import type {
  ListenAddressHistory,
  MetricsSourceInfo,
  MetricsStatus,
  MetricsStore,
  NodeMetrics,
  ScrapeFailure,
  ServerBlockHistory,
  Timed,
} from "./store";
import { TRANSPORT_KINDS, type FetchLimits, type MetricsFetcher, type TransportKind } from "./transports";
import { PeriodicSource } from "./round-loop";

export interface CollectorOptions {
  intervalMs: number;
  timeoutMs: number;
  concurrency: number;
  maxBytes: number;
  maxSamples: number;
  retentionMinutes: number;
  /** "auto" tries direct, then the API server proxy, then a port-forward, and remembers what worked per node. */
  transport: TransportKind | "auto";
  /** The time of each scrape (ms); the benchmark drives it with a simulated clock. Default Date.now. */
  now?: () => number;
}

export type { ScrapeFailure };

/**
 * Hooks for the dashboard's own metrics and logs (lib/observability/scrape-observer.ts). Called
 * synchronously; they must not throw or block.
 */
export interface CollectorObserver {
  /** One transport's attempt at one node: `error` null when it worked. */
  attempt(node: string, transport: TransportKind, error: unknown): void;
  /** A node's scrape in a round ended: `failure` null when it worked. */
  nodeResult(node: string, failure: ScrapeFailure | null): void;
  /** A round ended. */
  round(info: { durationMs: number; nodes: number; pods: number; apiProblem: string | null }): void;
}

/** What the collector knows about one node: the latest numbers, and the rings of its history. */
interface NodeState extends NodeMetrics {
  transport: TransportKind | null;
  /** Every scrape's counters, compressed; node, server-block and listen-address signals derive from it. */
  history: NodeHistory;
  /** Hit ratio over the last minute, of the node and of each server block. */
  hitRatioWindow: RatioWindow;
  blockRatioWindows: Map<string, RatioWindow>;
}

/**
 * The one background loop per server process that scrapes every node-local-dns pod each interval,
 * keeps rates and a bounded history, and never lets one node's failure affect another's.
 */
export class MetricsCollector extends PeriodicSource implements MetricsStore {
  private readonly nodes = new Map<string, NodeState>();
  private lastRoundAt: string | null = null;
  private lastRoundMs = 0;
  private lastWorking: TransportKind | null = null;
  readonly historyCapacity: number;
  /** Cluster-wide aggregates, one point per round. */
  private readonly clusterRing: HistoryRing;
  readonly source: MetricsSourceInfo;

  constructor(
    private readonly inventory: ClusterInventory,
    private readonly fetchers: Record<TransportKind, MetricsFetcher>,
    private readonly opts: CollectorOptions,
    private readonly observer?: CollectorObserver,
  ) {
    super(opts.intervalMs);
    this.historyCapacity = Math.max(2, Math.ceil((opts.retentionMinutes * 60_000) / opts.intervalMs));
    this.clusterRing = new HistoryRing(this.historyCapacity);
    this.source = {
      kind: "scrape",
      description: `scraping every node-local-dns pod every ${opts.intervalMs / 1000} s (${opts.transport})`,
    };
  }

  protected async doRound(): Promise<void> {
    const started = Date.now();
    const { nodes, pods, podByNode, apiProblem } = this.inventory.snapshot();
    const targets: { node: string; pod: CachePod }[] = [];
    for (const n of nodes) {
      const pod = podByNode.get(n.name);
      if (pod) targets.push({ node: n.name, pod });
    }
    const live = new Set(targets.map((t) => t.node));
    const present = new Set(nodes.map((n) => n.name));
    for (const name of this.nodes.keys()) if (!present.has(name)) this.nodes.delete(name);
    await forEachLimited(targets, this.opts.concurrency, async ({ node, pod }) => {
      if (!live.has(node)) return;
      await this.scrapeOne(node, pod);
    });
    this.lastRoundAt = new Date().toISOString();
    this.lastRoundMs = Date.now() - started;
    const latest = [...this.nodes.values()].filter((n) => live.has(n.node) && !n.error);
    if (latest.some((n) => n.rates))
      this.clusterRing.push(this.now(), clusterHistoryPoint(aggregateCluster(latest)));
    this.observer?.round({
      durationMs: this.lastRoundMs,
      nodes: nodes.length,
      pods: pods.length,
      apiProblem: apiProblem?.message ?? null,
    });
  }

  private stateFor(node: string, pod: CachePod): NodeState {
    let state = this.nodes.get(node);
    if (!state) {
      state = {
        node,
        pod: pod.name,
        podStartedAt: pod.startedAt,
        transport: null,
        lastScrapeAt: null,
        scrape: null,
        rates: null,
        serverBlockRates: [],
        listenAddressRates: {},
        error: null,
        history: new NodeHistory(this.historyCapacity),
        hitRatioWindow: new RatioWindow(),
        blockRatioWindows: new Map(),
      };
      this.nodes.set(node, state);
    }
    return state;
  }

  private async scrapeOne(node: string, pod: CachePod): Promise<void> {
    const state = this.stateFor(node, pod);
    const at = new Date(this.now());
    // A pod without an IP cannot be reached by any transport (the API server's proxy answers 400
    // "address not allowed", a port-forward fails too): one clear reason, no failing calls.
    if (!pod.podIP) {
      state.error = {
        message: `no IP yet: pod ${pod.name} is ${pod.status}`,
        at: at.toISOString(),
        transport: this.opts.transport === "auto" ? null : this.opts.transport,
      };
      this.observer?.nodeResult(node, state.error);
      return;
    }
    const limits: FetchLimits = {
      timeoutMs: this.opts.timeoutMs,
      maxBytes: this.opts.maxBytes,
      signal: this.loop.signal,
    };
    const order = this.transportOrder(state);
    const failures: string[] = [];
    for (const kind of order) {
      try {
        const text = await this.fetchers[kind](pod, limits);
        const parsed = parsePrometheusText(text, {
          maxBodyBytes: this.opts.maxBytes,
          maxSamples: this.opts.maxSamples,
          families: NODE_RECORD_SAMPLE_NAMES,
        });
        this.record(state, pod, buildNodeScrape(parsed.samples, parsed.sampleLines), at, kind);
        this.observer?.attempt(node, kind, null);
        this.observer?.nodeResult(node, null);
        return;
      } catch (err) {
        if (this.loop.signal.aborted) return;
        this.observer?.attempt(node, kind, err);
        failures.push(order.length > 1 ? `${kind}: ${describeError(err)}` : describeError(err));
      }
    }
    state.error = {
      message: failures.join("; "),
      at: at.toISOString(),
      transport: order.length === 1 ? (order[0] ?? null) : null,
    };
    this.observer?.nodeResult(node, state.error);
  }

  /**
   * In "auto" mode a node starts with what worked for it last, else with what last worked for any node
   * (run locally, pod IPs are usually unreachable: one node learning that spares the rest a timeout each).
   */
  private transportOrder(state: NodeState): TransportKind[] {
    if (this.opts.transport !== "auto") return [this.opts.transport];
    const first = state.transport ?? this.lastWorking;
    if (!first) return [...TRANSPORT_KINDS];
    return [first, ...TRANSPORT_KINDS.filter((k) => k !== first)];
  }

  private record(
    state: NodeState,
    pod: CachePod,
    scrape: NodeScrape,
    at: Date,
    transport: TransportKind,
  ): void {
    const podChanged = state.pod !== pod.name || state.podStartedAt !== pod.startedAt;
    const previousAt = state.lastScrapeAt ? Date.parse(state.lastScrapeAt) : null;
    let derived: HistoryPoint | null = null;
    if (state.scrape && previousAt !== null) {
      const seconds = (at.getTime() - previousAt) / 1000;
      const rates = nodeRates(state.scrape, scrape, seconds, podChanged);
      state.rates = rates;
      const t = at.getTime();
      if (rates.reset) {
        state.hitRatioWindow.clear();
        state.blockRatioWindows.clear();
      }
      // Ratios over the last minute: one interval at low traffic swings 0 ↔ 100 %.
      const windowed = state.hitRatioWindow.push(
        t,
        rates.hitsPerSecond * seconds,
        rates.missesPerSecond * seconds,
      );
      state.serverBlockRates = zoneRates(state.scrape, scrape, seconds, rates.reset).map((z) => {
        let w = state.blockRatioWindows.get(z.zone);
        if (!w) state.blockRatioWindows.set(z.zone, (w = new RatioWindow()));
        return { ...z, hitRatio: w.push(t, z.hitsPerSecond * seconds, z.missesPerSecond * seconds) };
      });
      state.listenAddressRates = serverRates(state.scrape, scrape, seconds, rates.reset);
      derived = { ...historyPoint(rates, scrape), hitRatio: windowed };
    }
    state.history.push(at.getTime(), scrape, podChanged, derived);
    state.pod = pod.name;
    state.podStartedAt = pod.startedAt;
    state.scrape = scrape;
    state.lastScrapeAt = at.toISOString();
    state.transport = transport;
    this.lastWorking = transport;
    state.error = null;
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  latest(name: string): NodeMetrics | undefined {
    return this.nodes.get(name);
  }

  allLatest(): NodeMetrics[] {
    return [...this.nodes.values()];
  }

  recentMedian(node: string, signal: HistorySignal, points: number): number | null {
    return this.nodes.get(node)?.history.recentMedian(signal, points) ?? null;
  }

  nodeHistory(node: string, sinceMs: number): Promise<Timed<HistoryPoint>[]> {
    return Promise.resolve(this.nodes.get(node)?.history.points(sinceMs) ?? []);
  }

  serverBlockHistory(node: string, sinceMs: number): Promise<ServerBlockHistory[]> {
    const state = this.nodes.get(node);
    const blocks = state?.history.serverBlocks(sinceMs);
    return Promise.resolve(
      (state?.serverBlockRates ?? []).map((z) => ({ zone: z.zone, history: blocks?.get(z.zone) ?? [] })),
    );
  }

  listenAddressHistory(node: string, sinceMs: number): Promise<ListenAddressHistory[]> {
    const state = this.nodes.get(node);
    return Promise.resolve(
      [...(state?.history.listenAddresses(sinceMs).entries() ?? [])].map(([server, history]) => ({
        server,
        history,
      })),
    );
  }

  clusterHistory(sinceMs: number): Promise<Timed<HistoryPoint>[]> {
    return Promise.resolve(this.clusterRing.points(sinceMs));
  }

  /** What the node histories hold: encoded bytes and stored values (scrapes × series). */
  historyStats(): { bytes: number; samples: number; nodes: number } {
    let bytes = 0;
    let samples = 0;
    for (const s of this.nodes.values()) {
      bytes += s.history.bytes;
      samples += s.history.samples;
    }
    return { bytes, samples, nodes: this.nodes.size };
  }

  status(): MetricsStatus {
    let historyBytes = this.clusterRing.bytes;
    for (const s of this.nodes.values()) historyBytes += s.history.bytes;
    return {
      lastRoundAt: this.lastRoundAt,
      lastRoundMs: this.lastRoundMs,
      intervalMs: this.opts.intervalMs,
      historyBytes,
      problem: null,
    };
  }
}
