/**
 * A health verdict per node, in the operator's words: is this node's DNS cache doing its job, and
 * if not, why and since when. Pure: the dashboard evaluates it once per round (lib/views/judgements.ts)
 * from the node's pod, its latest numbers and the cluster's; `HealthTracker` remembers since when.
 */

export type HealthState = "healthy" | "warning" | "critical" | "unknown";

/** One reason a node is not healthy. `code` is stable (for filters and alerts), `message` is for people. */
export interface HealthReason {
  code:
    | "no-pod"
    | "pod-not-ready"
    | "not-scraped"
    | "servfail"
    | "upstream-failing"
    | "latency"
    | "memory"
    | "reload-failed"
    | "hit-ratio-low";
  severity: "warning" | "critical";
  message: string;
}

export interface NodeHealth {
  state: HealthState;
  reasons: HealthReason[];
  /** ISO time the node entered this state (as far as this dashboard has seen). */
  since: string;
}

/** Where a signal turns a node to warning or critical. Settings: DASHBOARD_HEALTH_* (README). */
export interface HealthThresholds {
  /** SERVFAIL answers / all answers over the interval. */
  servfailRatioWarning: number;
  servfailRatioCritical: number;
  /** p99 latency of answers, seconds. */
  latencyP99Warning: number;
  latencyP99Critical: number;
  /** Resident memory / the container's memory limit. */
  memoryRatioWarning: number;
  memoryRatioCritical: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  servfailRatioWarning: 0.05,
  servfailRatioCritical: 0.25,
  latencyP99Warning: 0.1,
  latencyP99Critical: 0.5,
  memoryRatioWarning: 0.8,
  memoryRatioCritical: 0.95,
};

/** What the verdict reads about one node. */
export interface HealthInput {
  hasPod: boolean;
  podReady: boolean;
  podStatus: string | null;
  /** The latest read failed, with the reason. */
  scrapeError: string | null;
  /** Numbers of the current pod have been read at least once. */
  scraped: boolean;
  answersPerSecond: number | null;
  servfailPerSecond: number | null;
  upstreamHealthcheckFailuresPerSecond: number | null;
  latencyP99: number | null;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  /** coredns_reload_failed_total of the current pod. */
  reloadFailedTotal: number | null;
  /** The odd-node check found this node's hit ratio far below the others'. */
  hitRatioFarBelowCluster: boolean;
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;
const ms = (s: number) => `${Math.round(s * 1000)} ms`;
const mib = (b: number) => `${Math.round(b / (1024 * 1024))} MiB`;

/** The node's state now and every reason for it, worst first. */
export function nodeHealth(
  i: HealthInput,
  t: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
): Omit<NodeHealth, "since"> {
  const reasons: HealthReason[] = [];
  const add = (code: HealthReason["code"], severity: HealthReason["severity"], message: string) =>
    reasons.push({ code, severity, message });

  if (!i.hasPod) {
    add("no-pod", "critical", "no node-local-dns pod on this node: pods here cannot reach the cache address");
    return { state: "critical", reasons };
  }
  if (!i.podReady) {
    add("pod-not-ready", "critical", `the cache pod is not ready (${i.podStatus ?? "unknown status"})`);
  }
  if (i.scrapeError) add("not-scraped", "warning", `its metrics cannot be read: ${i.scrapeError}`);

  const answers = i.answersPerSecond ?? 0;
  if (i.servfailPerSecond !== null && answers > 0) {
    const r = i.servfailPerSecond / answers;
    if (r >= t.servfailRatioCritical) add("servfail", "critical", `${pct(r)} of answers are SERVFAIL`);
    else if (r >= t.servfailRatioWarning) add("servfail", "warning", `${pct(r)} of answers are SERVFAIL`);
  }
  if ((i.upstreamHealthcheckFailuresPerSecond ?? 0) > 0) {
    add(
      "upstream-failing",
      "warning",
      `upstream health checks are failing (${(i.upstreamHealthcheckFailuresPerSecond ?? 0).toFixed(2)}/s): kube-dns or the upstream resolvers do not answer`,
    );
  }
  if (i.latencyP99 !== null) {
    if (i.latencyP99 >= t.latencyP99Critical) add("latency", "critical", `p99 latency ${ms(i.latencyP99)}`);
    else if (i.latencyP99 >= t.latencyP99Warning)
      add("latency", "warning", `p99 latency ${ms(i.latencyP99)}`);
  }
  if (i.memoryBytes !== null && i.memoryLimitBytes) {
    const r = i.memoryBytes / i.memoryLimitBytes;
    const text = `memory ${mib(i.memoryBytes)} of its ${mib(i.memoryLimitBytes)} limit (${pct(r)}): near an OOM kill`;
    if (r >= t.memoryRatioCritical) add("memory", "critical", text);
    else if (r >= t.memoryRatioWarning) add("memory", "warning", text);
  }
  if ((i.reloadFailedTotal ?? 0) > 0) {
    add(
      "reload-failed",
      "warning",
      "a Corefile reload failed: this pod still runs its previous configuration (see its log)",
    );
  }
  if (i.hitRatioFarBelowCluster) {
    add("hit-ratio-low", "warning", "its cache hit ratio is far below the other nodes'");
  }

  reasons.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1));
  if (reasons.some((r) => r.severity === "critical")) return { state: "critical", reasons };
  if (reasons.length) return { state: "warning", reasons };
  if (!i.scraped) return { state: "unknown", reasons };
  return { state: "healthy", reasons };
}

/** Remembers since when each node has been in its state (a state change restarts the clock). */
export class HealthTracker {
  private readonly since = new Map<string, { state: HealthState; since: string }>();

  /** The verdict with its `since`, updating what is remembered; nodes not in `present` are forgotten. */
  track(node: string, verdict: Omit<NodeHealth, "since">, now: Date): NodeHealth {
    const prev = this.since.get(node);
    if (!prev || prev.state !== verdict.state) {
      const entry = { state: verdict.state, since: now.toISOString() };
      this.since.set(node, entry);
      return { ...verdict, since: entry.since };
    }
    return { ...verdict, since: prev.since };
  }

  forgetAllBut(present: ReadonlySet<string>): void {
    for (const k of this.since.keys()) if (!present.has(k)) this.since.delete(k);
  }
}
