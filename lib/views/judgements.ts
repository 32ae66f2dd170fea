import "server-only";
import type { HealthThresholds, NodeHealth } from "@/lib/coredns/health";
import { HealthTracker, nodeHealth } from "@/lib/coredns/health";
import { findOutliers, StableOutliers, type OutlierSignal } from "@/lib/coredns/outliers";
import type { HistorySignal } from "@/lib/metrics/history";
import type { MetricsStore } from "@/lib/metrics/store";
import type { NodeRow } from "@/lib/api-types";

/** A node as the odd-one-out check sees it: its row and its recent history (noisy signals are smoothed). */
interface OddCandidate {
  row: NodeRow;
  recent: (signal: HistorySignal) => number | null;
}

/** About a minute of scrapes at the default interval: one slow query must not flag a node. */
const SMOOTH_POINTS = 12;
/** A pod this young has a cold cache: its hit ratio says nothing yet. */
const COLD_CACHE_MS = 5 * 60_000;

/** What makes a node the odd one out, in the operator's words. */
const ODD_SIGNALS: OutlierSignal<OddCandidate>[] = [
  { name: "hit ratio", value: (c) => c.recent("hitRatio"), bad: "low", minDelta: 0.1 },
  { name: "p99 latency", value: (c) => c.recent("latencyP99"), bad: "high", minDelta: 0.02 },
  { name: "SERVFAIL", value: (c) => c.recent("servfailPerSecond"), bad: "high", minDelta: 0.05 },
  { name: "evictions", value: (c) => c.recent("evictionsPerSecond"), bad: "high", minDelta: 0.5 },
  {
    name: "upstream failures",
    value: (c) => c.recent("upstreamHealthcheckFailuresPerSecond"),
    bad: "high",
    minDelta: 0.01,
  },
  { name: "memory", value: (c) => c.row.memoryBytes, bad: "high", minDelta: 20 * 1024 * 1024 },
];

export interface NodeJudgement {
  oddOneOut: string[];
  health: NodeHealth;
}

/**
 * The odd-node marks and health verdicts, judged once per round of the metrics source (not per
 * request: every browser sees the same marks until the next round), with memory across rounds so
 * marks do not flicker and "since" means since the state began.
 */
export class NodeJudgements {
  private readonly outliers = new StableOutliers();
  private readonly health = new HealthTracker();
  private round: string | null | undefined = undefined;
  private judged = new Map<string, NodeJudgement>();
  /** When `judged` was made (epoch ms). */
  private judgedAt = 0;

  constructor(private readonly thresholds: HealthThresholds) {}

  /** The judgement of every row, for the round `roundAt` (recomputed once when it changes). */
  judge(
    rows: readonly NodeRow[],
    metrics: MetricsStore,
    roundAt: string | null,
    ctx: { podStartedAt: (node: string) => string | null; memoryLimitBytes: number | null; now: Date },
  ): Map<string, NodeJudgement> {
    if (roundAt === this.round && rows.every((r) => this.judged.has(r.node))) return this.judged;
    this.round = roundAt;
    const young = (node: string) => {
      const started = ctx.podStartedAt(node);
      return started !== null && ctx.now.getTime() - Date.parse(started) < COLD_CACHE_MS;
    };
    const candidates: OddCandidate[] = rows.map((row) => ({
      row,
      recent: (signal) =>
        // A cold cache is not an odd one: its hit ratio is left out until it has warmed up.
        signal === "hitRatio" && young(row.node)
          ? null
          : metrics.recentMedian(row.node, signal, SMOOTH_POINTS),
    }));
    const raw = findOutliers(candidates, (c) => c.row.node, ODD_SIGNALS);
    const odd = this.outliers.update(
      raw,
      rows.map((r) => r.node),
      ODD_SIGNALS.map((s) => s.name),
    );
    const next = new Map<string, NodeJudgement>();
    for (const r of rows) {
      const marks = odd.get(r.node) ?? [];
      const verdict = nodeHealth(
        {
          hasPod: r.pod !== null,
          podReady: r.podReady,
          podStatus: r.podStatus,
          scrapeError: r.error?.message ?? null,
          scraped: r.cache !== null,
          answersPerSecond: r.rates?.queriesPerSecond ?? null,
          servfailPerSecond: r.rates?.responsesPerSecondByRcode.SERVFAIL ?? null,
          upstreamHealthcheckFailuresPerSecond: r.rates?.upstreamHealthcheckFailuresPerSecond ?? null,
          latencyP99: metrics.recentMedian(r.node, "latencyP99", 3) ?? r.rates?.latencyP99 ?? null,
          memoryBytes: r.memoryBytes,
          memoryLimitBytes: ctx.memoryLimitBytes,
          reloadFailedTotal: metrics.latest(r.node)?.scrape?.counters.reloadFailed ?? null,
          hitRatioFarBelowCluster: marks.includes("hit ratio"),
        },
        this.thresholds,
      );
      next.set(r.node, { oddOneOut: marks, health: this.health.track(r.node, verdict, ctx.now) });
    }
    this.health.forgetAllBut(new Set(rows.map((r) => r.node)));
    this.judged = next;
    this.judgedAt = Date.now();
    return next;
  }

  /** `node`'s judgement if one was made in the last `maxAgeMs`, else null (judge all rows then). */
  recent(node: string, maxAgeMs: number): NodeJudgement | null {
    if (Date.now() - this.judgedAt > maxAgeMs) return null;
    return this.judged.get(node) ?? null;
  }
}
