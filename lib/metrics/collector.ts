import "server-only";
import { describeError } from "@/lib/errors";
import type { ClusterInventory } from "@/lib/k8s/inventory";
import { podForNode } from "@/lib/k8s/reshape";
import type { CachePod } from "@/lib/k8s/types";
import { HistoryRing, type HistoryPoint } from "./history";
import { forEachLimited } from "./limit";
import { buildNodeScrape, type NodeScrape } from "./node-record";
import { parsePrometheusText } from "./parse";
import { nodeRates, type NodeRates } from "./rates";
import { TRANSPORT_KINDS, type FetchLimits, type MetricsFetcher, type TransportKind } from "./transports";

export interface CollectorOptions {
  intervalMs: number;
  timeoutMs: number;
  concurrency: number;
  maxBytes: number;
  maxSamples: number;
  retentionMinutes: number;
  /** "auto" tries direct, then the API server proxy, then a port-forward, and remembers what worked per node. */
  transport: TransportKind | "auto";
}

export interface ScrapeFailure {
  message: string;
  /** ISO time of the failed attempt. */
  at: string;
  transport: TransportKind | null;
}

/** What the collector knows about one node. */
export interface NodeMetricsState {
  node: string;
  pod: string;
  podStartedAt: string | null;
  transport: TransportKind | null;
  lastScrapeAt: string | null;
  scrape: NodeScrape | null;
  rates: NodeRates | null;
  error: ScrapeFailure | null;
  history: HistoryRing;
}

/**
 * The one background loop per server process that scrapes every node-local-dns pod each interval,
 * keeps rates and a bounded history, and never lets one node's failure affect another's.
 */
export class MetricsCollector {
  private readonly nodes = new Map<string, NodeMetricsState>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private roundInFlight: Promise<void> | null = null;
  private lastRoundAt: string | null = null;
  private lastRoundMs = 0;
  readonly historyCapacity: number;

  constructor(
    private readonly inventory: ClusterInventory,
    private readonly fetchers: Record<TransportKind, MetricsFetcher>,
    private readonly opts: CollectorOptions,
  ) {
    this.historyCapacity = Math.max(2, Math.ceil((opts.retentionMinutes * 60_000) / opts.intervalMs));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const tick = async () => {
      if (!this.running) return;
      const started = Date.now();
      await this.round();
      if (!this.running) return;
      this.timer = setTimeout(tick, Math.max(0, this.opts.intervalMs - (Date.now() - started)));
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.roundInFlight;
  }

  /** One scrape of every node's pod. Exposed for tests and benchmarks. */
  round(): Promise<void> {
    this.roundInFlight ??= this.doRound().finally(() => {
      this.roundInFlight = null;
    });
    return this.roundInFlight;
  }

  private async doRound(): Promise<void> {
    const started = Date.now();
    const { nodes, pods } = this.inventory.snapshot();
    const targets: { node: string; pod: CachePod }[] = [];
    for (const n of nodes) {
      const pod = podForNode(pods, n.name);
      if (pod) targets.push({ node: n.name, pod });
    }
    const live = new Set(targets.map((t) => t.node));
    for (const name of this.nodes.keys()) if (!nodes.some((n) => n.name === name)) this.nodes.delete(name);
    await forEachLimited(targets, this.opts.concurrency, async ({ node, pod }) => {
      if (!live.has(node)) return;
      await this.scrapeOne(node, pod);
    });
    this.lastRoundAt = new Date().toISOString();
    this.lastRoundMs = Date.now() - started;
  }

  private stateFor(node: string, pod: CachePod): NodeMetricsState {
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
        error: null,
        history: new HistoryRing(this.historyCapacity),
      };
      this.nodes.set(node, state);
    }
    return state;
  }

  private async scrapeOne(node: string, pod: CachePod): Promise<void> {
    const state = this.stateFor(node, pod);
    const at = new Date();
    if (!pod.podIP && this.opts.transport === "direct") {
      state.error = { message: `pod ${pod.name} has no IP yet (${pod.status})`, at: at.toISOString(), transport: "direct" };
      return;
    }
    const limits: FetchLimits = { timeoutMs: this.opts.timeoutMs, maxBytes: this.opts.maxBytes };
    const order = this.transportOrder(state);
    const failures: string[] = [];
    for (const kind of order) {
      try {
        const text = await this.fetchers[kind](pod, limits);
        const parsed = parsePrometheusText(text, { maxBodyBytes: this.opts.maxBytes, maxSamples: this.opts.maxSamples });
        this.record(state, pod, buildNodeScrape(parsed.samples), at, kind);
        return;
      } catch (err) {
        failures.push(order.length > 1 ? `${kind}: ${describeError(err)}` : describeError(err));
      }
    }
    state.error = { message: failures.join("; "), at: at.toISOString(), transport: order.length === 1 ? (order[0] ?? null) : null };
  }

  private transportOrder(state: NodeMetricsState): TransportKind[] {
    if (this.opts.transport !== "auto") return [this.opts.transport];
    if (!state.transport) return [...TRANSPORT_KINDS];
    return [state.transport, ...TRANSPORT_KINDS.filter((k) => k !== state.transport)];
  }

  private record(state: NodeMetricsState, pod: CachePod, scrape: NodeScrape, at: Date, transport: TransportKind): void {
    const podChanged = state.pod !== pod.name || state.podStartedAt !== pod.startedAt;
    const previousAt = state.lastScrapeAt ? Date.parse(state.lastScrapeAt) : null;
    if (state.scrape && previousAt !== null) {
      state.rates = nodeRates(state.scrape, scrape, (at.getTime() - previousAt) / 1000, podChanged);
      state.history.push(at.getTime(), historyPoint(state.rates, scrape));
    }
    state.pod = pod.name;
    state.podStartedAt = pod.startedAt;
    state.scrape = scrape;
    state.lastScrapeAt = at.toISOString();
    state.transport = transport;
    state.error = null;
  }

  node(name: string): NodeMetricsState | undefined {
    return this.nodes.get(name);
  }

  status(): { lastRoundAt: string | null; lastRoundMs: number; intervalMs: number; historyBytes: number } {
    let historyBytes = 0;
    for (const s of this.nodes.values()) historyBytes += s.history.bytes;
    return { lastRoundAt: this.lastRoundAt, lastRoundMs: this.lastRoundMs, intervalMs: this.opts.intervalMs, historyBytes };
  }
}

function historyPoint(r: NodeRates, s: NodeScrape): HistoryPoint {
  return {
    queriesPerSecond: r.queriesPerSecond,
    hitRatio: r.hitRatio,
    hitsPerSecond: r.hitsPerSecond,
    missesPerSecond: r.missesPerSecond,
    entries: s.entries.total,
    evictionsPerSecond: r.evictionsPerSecond,
    prefetchesPerSecond: r.prefetchesPerSecond,
    servedStalePerSecond: r.servedStalePerSecond,
    nxdomainPerSecond: r.responsesPerSecondByRcode.NXDOMAIN ?? 0,
    servfailPerSecond: r.responsesPerSecondByRcode.SERVFAIL ?? 0,
    refusedPerSecond: r.responsesPerSecondByRcode.REFUSED ?? 0,
    latencyP50: r.latencyP50,
    latencyP90: r.latencyP90,
    latencyP99: r.latencyP99,
    upstreamPerSecond: r.upstreamPerSecond,
    upstreamLatencyP99: r.upstreamLatencyP99,
    upstreamHealthcheckFailuresPerSecond: r.upstreamHealthcheckFailuresPerSecond,
    memoryBytes: s.memoryBytes,
  };
}
