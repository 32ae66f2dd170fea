import "server-only";
import { corefileLiveness, type ConfigScrape, type NodeLiveness } from "@/lib/config/liveness";
import {
  firstRolloutFailure,
  podRolloutStates,
  rolloutStatus,
  type NodeRolloutState,
  type RolloutStatus,
} from "@/lib/config/rollout";
import { currentRevisionHash, readDaemonSet } from "@/lib/k8s/daemonset";
import { reshapeDaemonSet } from "@/lib/k8s/reshape";
import type { MetricsStore } from "@/lib/metrics/store";
import { dsRef, type ConfigDeps } from "./deps";

/** What the nodes said about their configuration just before a write: liveness compares against it. */
export interface WriteBaseline {
  /** The change record's id. */
  changeId: string;
  writtenAt: Date;
  /** Per node, the last scrape before the write. */
  before: Map<string, ConfigScrape>;
  /** The restartedAt stamp of a restart the dashboard made after this write, if any. */
  restartedAt: string | null;
}

/** The per-node row of the progress view. */
export interface NodeRolloutRow extends NodeRolloutState {
  /** As `kubectl get pods` shows it: Running, ContainerCreating, CrashLoopBackOff, Terminating... */
  podStatus: string;
  /** When node-cache started in this pod, ISO. */
  startedAt: string | null;
  /** Whether the last written Corefile is live here; null when the dashboard has written none since it started. */
  liveness: NodeLiveness | null;
}

/** `GET /api/rollout`. */
export interface RolloutProgress {
  status: RolloutStatus;
  /** The current template's controller-revision-hash (null until the controller has synced it). */
  revision: string | null;
  /** `kubectl.kubernetes.io/restartedAt` on the pod template, if it was ever restarted that way. */
  restartedAt: string | null;
  maxUnavailable: string;
  nodes: NodeRolloutRow[];
  /** The first node whose new pod failed: the rollout will not finish by itself. */
  failure: { node: string; reason: string } | null;
  /** The change liveness is measured against (this server process's last write), or null. */
  lastWrite: { changeId: string; writtenAt: string } | null;
}

/** The config-relevant part of a node's newest scrape. */
export function configScrapeOf(metrics: MetricsStore, node: string): ConfigScrape | null {
  const scrape = metrics.latest(node)?.scrape;
  return scrape ? { configHash: scrape.configHash, reloadFailed: scrape.counters.reloadFailed } : null;
}

/** How long a write waits for a fresh scrape of every node before taking the baseline anyway. */
const BASELINE_SCRAPE_WAIT_MS = 3000;

/**
 * Scrapes every node once more (bounded by BASELINE_SCRAPE_WAIT_MS) so the baseline is the state
 * just before the write: a baseline older than an earlier reload would make that reload look like
 * this change going live.
 */
export async function refreshBeforeWrite(d: ConfigDeps): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, BASELINE_SCRAPE_WAIT_MS);
  });
  try {
    await Promise.race([d.metrics.refresh(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every node's configuration evidence now, to compare with after a write. */
export function takeBaseline(d: ConfigDeps, changeId: string, writtenAt: Date): WriteBaseline {
  const before = new Map<string, ConfigScrape>();
  for (const n of d.metrics.allLatest()) {
    const s = configScrapeOf(d.metrics, n.node);
    if (s) before.set(n.node, s);
  }
  return { changeId, writtenAt, before, restartedAt: null };
}

/**
 * Rollout status as `kubectl rollout status` computes it (from a fresh read of the DaemonSet), each
 * node's pod (old or new revision, ready, restarts, failure) from the inventory's watch, and whether
 * the last written Corefile is live there.
 */
export async function rolloutProgress(
  d: ConfigDeps,
  baseline: WriteBaseline | null,
  opts: { readyDeadlineSeconds?: number } = {},
): Promise<RolloutProgress> {
  const ds = await readDaemonSet(d.apps, dsRef(d));
  const revision = await currentRevisionHash(d.apps, ds);
  const now = d.now();
  const pods = d.inventory.snapshot().pods;
  const states = revision ? podRolloutStates(pods, revision, now, opts) : [];
  const restartedAt = ds.spec?.template.metadata?.annotations?.["kubectl.kubernetes.io/restartedAt"] ?? null;
  // Kubernetes stamps pods in whole seconds, so a pod made just after the write can look older than
  // it. A pod of the template our own post-write restart produced was made after the write for sure.
  const restartedSinceWrite = baseline?.restartedAt != null && baseline.restartedAt === restartedAt;
  const podByName = new Map(pods.map((p) => [p.name, p]));
  const nodes = states.map((st): NodeRolloutRow => {
    const pod = podByName.get(st.pod ?? "");
    const madeAfterWrite = restartedSinceWrite && st.revision === "new" && baseline !== null;
    const afterWrite = (t: string | null) =>
      t === null || !madeAfterWrite
        ? t
        : new Date(Math.max(Date.parse(t), baseline.writtenAt.getTime() + 1)).toISOString();
    return {
      ...st,
      podStatus: pod?.status ?? "Unknown",
      startedAt: pod?.startedAt ?? null,
      liveness: baseline
        ? corefileLiveness(
            baseline.writtenAt,
            {
              node: st.node,
              containerStartedAt: afterWrite(pod?.startedAt ?? null),
              podCreatedAt: afterWrite(pod?.createdAt ?? null),
              podReady: st.ready,
              before: baseline.before.get(st.node) ?? null,
              // Only this pod's own numbers: right after a replacement the node's newest scrape is
              // still the old pod's.
              now: d.metrics.latest(st.node)?.pod === st.pod ? configScrapeOf(d.metrics, st.node) : null,
            },
            now,
          )
        : null,
    };
  });
  // The DaemonSet's status is updated by its controller a little after the pods change; the rows come
  // from the pod watch. Counts never claim fewer updated or ready pods than the rows show.
  const summary = reshapeDaemonSet(ds, d.targets.container);
  const rowsNew = nodes.filter((n) => n.revision === "new" && n.node !== "(unscheduled)");
  const reconciled = summary && {
    ...summary,
    updated: Math.max(summary.updated, rowsNew.length),
    ready: Math.max(summary.ready, nodes.filter((n) => n.ready).length),
  };
  return {
    status: rolloutStatus(reconciled),
    revision,
    restartedAt,
    maxUnavailable: String(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1),
    nodes,
    failure: firstRolloutFailure(states),
    lastWrite: baseline ? { changeId: baseline.changeId, writtenAt: baseline.writtenAt.toISOString() } : null,
  };
}
