import "server-only";
import { describeError } from "@/lib/errors";
import type { CachePod, ClusterNode } from "@/lib/k8s/types";
import type { PrometheusClient } from "@/lib/prometheus-api/client";
import type { SelectorMatchers } from "@/lib/prometheus-api/selector";
import type { RangeSeries } from "@/lib/prometheus-api/types";
import {
  clusterHistoryQuery,
  fitRange,
  keyMatchers,
  nodeBreakdownQuery,
  nodeHistoryQuery,
  overviewQueries,
  type NodeKey,
  type QueryScope,
} from "../coredns/promql";
import {
  reshapeBreakdown,
  reshapeBreakdownHistory,
  reshapeHistory,
  reshapeOverview,
  type EngineNode,
} from "../coredns/promql-reshape";
import { matchSeriesToNodes } from "../coredns/series-to-nodes";
import { historyPoint } from "./counter-history";
import { HISTORY_SIGNALS, HistoryRing, recentMedian, type HistoryPoint, type HistorySignal } from "./history";
import type {
  ListenAddressHistory,
  MetricsSourceInfo,
  MetricsStatus,
  MetricsStore,
  NodeMetrics,
  ServerBlockHistory,
  Timed,
} from "./store";
import { PeriodicSource } from "./round-loop";

export interface PrometheusStoreOptions {
  selector: SelectorMatchers;
  /** The selector as the operator wrote it, for "no series … under selector …". */
  selectorText: string;
  /** rate() window, seconds. */
  windowSeconds: number;
  /** How often the latest numbers are asked for. */
  intervalMs: number;
  /** How far back a chart reaches when asked for everything. */
  retentionMinutes: number;
  /** Points a chart is drawn with (the step is fitted to this). */
  chartPoints?: number;
  /** Never a finer step than this: the engine's scrape interval (default: a quarter of the window). */
  minStepSeconds?: number;
}

/** What the store needs from the cluster inventory. */
export interface InventoryView {
  snapshot(): { nodes: ClusterNode[]; pods: CachePod[]; podByNode: ReadonlyMap<string, CachePod> };
}

/** Refreshes kept per node for the odd-one-out smoothing (recentMedian). */
const RECENT_POINTS = 16;
/** A node page viewed within this long keeps its server-block numbers refreshed. */
const WATCH_MS = 60_000;

interface NodeState {
  metrics: NodeMetrics;
  key: NodeKey | null;
  recent: HistoryRing;
}

/**
 * The MetricsStore read from a metrics engine's Prometheus HTTP API (Prometheus, Thanos Query, Mimir,
 * VictoriaMetrics): the latest numbers of every node from a handful of instant queries each interval,
 * history from range queries with a step fitted to the chart. No per-node history is held here; the
 * engine has it. The engine down, slow or erroring: the last numbers stay, marked with the reason,
 * and `status().problem` says so until a refresh works again.
 */
export class PrometheusMetricsStore extends PeriodicSource implements MetricsStore {
  readonly source: MetricsSourceInfo;
  private readonly nodes = new Map<string, NodeState>();
  private readonly watched = new Map<string, number>();
  private readonly rangeCache = new Map<string, { at: number; result: Promise<RangeSeries[]> }>();
  private lastRoundAt: string | null = null;
  private lastRoundMs = 0;
  private problem: { message: string; since: string } | null = null;

  constructor(
    private readonly inventory: InventoryView,
    private readonly client: PrometheusClient,
    private readonly opts: PrometheusStoreOptions,
  ) {
    super(opts.intervalMs);
    this.source = {
      kind: "prometheus",
      description: `from the metrics engine at ${client.baseUrl} (series ${opts.selectorText}, rates over ${opts.windowSeconds} s)`,
    };
  }

  private scope(matchers?: readonly string[], windowSeconds = this.opts.windowSeconds): QueryScope {
    return { selector: this.opts.selector, windowSeconds, matchers };
  }

  protected async doRound(): Promise<void> {
    const started = Date.now();
    const at = new Date().toISOString();
    const q = overviewQueries(this.scope());
    const signal = this.loop.signal;
    let engineNodes: EngineNode[];
    try {
      const [counters, rates, latency] = await Promise.all([
        this.client.query(q.counters, undefined, signal),
        this.client.query(q.rates, undefined, signal),
        this.client.query(q.latency, undefined, signal),
      ]);
      engineNodes = reshapeOverview({ counters, rates, latency }, this.opts.windowSeconds);
    } catch (err) {
      this.failRound(`cannot read the metrics engine at ${this.client.baseUrl}: ${describeError(err)}`, at);
      this.finishRound(started);
      return;
    }
    this.problem = null;
    const { nodes, pods, podByNode } = this.inventory.snapshot();
    const matches = matchSeriesToNodes(nodes, pods, engineNodes, this.opts.selectorText);
    const live = new Set(nodes.map((n) => n.name));
    for (const name of this.nodes.keys()) if (!live.has(name)) this.nodes.delete(name);
    for (const n of nodes) {
      const pod = podByNode.get(n.name) ?? null;
      const match = matches.get(n.name);
      if (!pod || !match) {
        this.nodes.delete(n.name);
        continue;
      }
      const s = match.series;
      const state = this.stateFor(n.name, pod);
      const podChanged = state.metrics.pod !== pod.name;
      state.key = s?.key ?? null;
      Object.assign(state.metrics, {
        // The pod the series are from, where the scrape config labels it: right after a rollout the
        // engine may hold only the old pod's series, which must not be shown beside the new pod's name.
        pod: s?.key.pod || pod.name,
        podStartedAt: pod.startedAt,
        transport: s ? "prometheus" : null,
        lastScrapeAt: s?.scrapedAt ? new Date(s.scrapedAt).toISOString() : null,
        scrape: s?.scrape ?? null,
        rates: s?.rates ?? null,
        listenAddressRates: s?.listenAddressRates ?? {},
        serverBlockRates: podChanged ? [] : state.metrics.serverBlockRates,
        error: match.why ? { message: match.why, at, transport: "prometheus" } : null,
      } satisfies Partial<NodeMetrics>);
      if (s?.scrape && s.rates) state.recent.push(Date.now(), historyPoint(s.rates, s.scrape));
    }
    await this.refreshWatched();
    this.lastRoundAt = new Date().toISOString();
    this.finishRound(started);
  }

  private finishRound(started: number): void {
    this.lastRoundMs = Date.now() - started;
  }

  /** The engine could not be read: keep every node's last numbers, marked with why. */
  private failRound(message: string, at: string): void {
    this.problem = { message, since: this.problem?.since ?? at };
    for (const s of this.nodes.values()) s.metrics.error = { message, at, transport: "prometheus" };
  }

  private stateFor(node: string, pod: CachePod): NodeState {
    let state = this.nodes.get(node);
    if (!state) {
      state = {
        key: null,
        recent: new HistoryRing(RECENT_POINTS),
        metrics: {
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
        },
      };
      this.nodes.set(node, state);
    }
    return state;
  }

  /** Server-block numbers are asked for only for nodes whose page was looked at lately (one query each). */
  private async refreshWatched(): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...this.watched].map(async ([node, since]) => {
        if (now - since > WATCH_MS) {
          this.watched.delete(node);
          return;
        }
        await this.refreshBreakdown(node).catch(() => undefined);
      }),
    );
  }

  private async refreshBreakdown(node: string): Promise<void> {
    const state = this.nodes.get(node);
    if (!state?.key) return;
    const samples = await this.client.query(
      nodeBreakdownQuery(this.scope(keyMatchers(state.key))),
      undefined,
      this.loop.signal,
    );
    state.metrics.serverBlockRates = reshapeBreakdown(samples).zones;
  }

  latest(node: string): NodeMetrics | undefined {
    return this.nodes.get(node)?.metrics;
  }

  allLatest(): NodeMetrics[] {
    return [...this.nodes.values()].map((s) => s.metrics);
  }

  recentMedian(node: string, signal: HistorySignal, points: number): number | null {
    const ring = this.nodes.get(node)?.recent;
    return ring ? recentMedian(ring, signal, points) : null;
  }

  /** A range query fitted to the chart, shared by concurrent callers and cached for one step. */
  private range(
    query: (scope: QueryScope) => string,
    matchers: readonly string[] | undefined,
    sinceMs: number,
  ) {
    const now = Date.now();
    const earliest = now - this.opts.retentionMinutes * 60_000;
    const fitted = fitRange({
      startMs: Math.max(sinceMs, earliest),
      endMs: now,
      points: this.opts.chartPoints ?? 240,
      minStepSeconds: this.opts.minStepSeconds ?? Math.max(1, Math.round(this.opts.windowSeconds / 4)),
      windowSeconds: this.opts.windowSeconds,
    });
    const expr = query(this.scope(matchers, fitted.windowSeconds));
    const id = `${expr}\u0000${fitted.startMs}\u0000${fitted.endMs}\u0000${fitted.stepSeconds}`;
    const ttl = Math.min(fitted.stepSeconds * 1000, this.opts.intervalMs);
    for (const [k, v] of this.rangeCache) if (now - v.at > ttl) this.rangeCache.delete(k);
    const hit = this.rangeCache.get(id);
    if (hit) return hit.result;
    const result = this.client.queryRange(
      expr,
      fitted.startMs,
      fitted.endMs,
      fitted.stepSeconds,
      this.loop.signal,
    );
    this.rangeCache.set(id, { at: now, result });
    result.catch(() => this.rangeCache.delete(id));
    return result;
  }

  /** Range answers that fail leave the chart empty and say why in status().problem; the page stays up. */
  private async guarded<T>(what: string, fallback: T, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const at = new Date().toISOString();
      this.problem = {
        message: `cannot read ${what} from the metrics engine at ${this.client.baseUrl}: ${describeError(err)}`,
        since: this.problem?.since ?? at,
      };
      return fallback;
    }
  }

  nodeHistory(node: string, sinceMs: number): Promise<Timed<HistoryPoint>[]> {
    const key = this.nodes.get(node)?.key;
    if (!key) return Promise.resolve([]);
    return this.guarded(`${node}'s history`, [], async () =>
      reshapeHistory(await this.range(nodeHistoryQuery, keyMatchers(key), sinceMs), HISTORY_SIGNALS),
    );
  }

  async serverBlockHistory(node: string, sinceMs: number): Promise<ServerBlockHistory[]> {
    const key = this.nodes.get(node)?.key;
    if (!key) return [];
    if (!this.watched.has(node)) {
      this.watched.set(node, Date.now());
      await this.refreshBreakdown(node).catch(() => undefined);
    } else this.watched.set(node, Date.now());
    return this.guarded(`${node}'s server blocks`, [], async () => {
      const { zones } = reshapeBreakdownHistory(
        await this.range(nodeBreakdownQuery, keyMatchers(key), sinceMs),
      );
      return [...zones].map(([zone, history]) => ({ zone, history }));
    });
  }

  listenAddressHistory(node: string, sinceMs: number): Promise<ListenAddressHistory[]> {
    const key = this.nodes.get(node)?.key;
    if (!key) return Promise.resolve([]);
    return this.guarded(`${node}'s listen addresses`, [], async () => {
      const { servers } = reshapeBreakdownHistory(
        await this.range(nodeBreakdownQuery, keyMatchers(key), sinceMs),
      );
      return [...servers].map(([server, history]) => ({ server, history }));
    });
  }

  clusterHistory(sinceMs: number): Promise<Timed<HistoryPoint>[]> {
    return this.guarded("the cluster's history", [], async () =>
      reshapeHistory(await this.range(clusterHistoryQuery, undefined, sinceMs), HISTORY_SIGNALS),
    );
  }

  status(): MetricsStatus {
    return {
      lastRoundAt: this.lastRoundAt,
      lastRoundMs: this.lastRoundMs,
      intervalMs: this.opts.intervalMs,
      historyBytes: 0,
      problem: this.problem,
    };
  }
}
