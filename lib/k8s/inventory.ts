import "server-only";
import {
  AppsV1Api,
  CoreV1Api,
  ListWatch,
  Watch,
  type KubeConfig,
  type KubernetesObject,
  type V1DaemonSet,
  type V1Node,
  type V1Pod,
} from "@kubernetes/client-node";
import { describeError } from "@/lib/errors";
import { reshapeCacheLayout, reshapeDaemonSet, reshapeNode, reshapePod } from "./reshape";
import type { ApiServerProblem, CachePod, ClusterNode, DaemonSetSummary, NodeCacheLayout } from "./types";

export interface InventoryOptions {
  namespace: string;
  podSelector: string;
  daemonSet: string;
  container: string;
  metricsPort: number;
}

export interface InventorySnapshot {
  /** True once every watch has listed at least once. */
  synced: boolean;
  nodes: ClusterNode[];
  pods: CachePod[];
  daemonSet: DaemonSetSummary | null;
  /** The DaemonSet's pod network layout (host network or not, -localip, pod labels); null without it. */
  layout: NodeCacheLayout | null;
  apiProblem: ApiServerProblem | null;
}

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

/**
 * Keeps the nodes, the node-local-dns pods and the DaemonSet current with list+watch (pods come and
 * go during a rollout). When the API server fails, the last known state stays and `apiProblem` says
 * what is wrong and since when; each watch restarts with back-off.
 */
export class ClusterInventory {
  private readonly watches: ListWatch<KubernetesObject>[] = [];
  private readonly synced = new Set<string>();
  private problem: ApiServerProblem | null = null;
  private retryTimers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly nodes: ListWatch<V1Node>;
  private readonly pods: ListWatch<V1Pod>;
  private readonly daemonSets: ListWatch<V1DaemonSet>;

  constructor(
    kc: KubeConfig,
    private readonly opts: InventoryOptions,
  ) {
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const watch = new Watch(kc);
    const ns = encodeURIComponent(opts.namespace);
    const dsField = `metadata.name=${opts.daemonSet}`;
    this.nodes = new ListWatch<V1Node>("/api/v1/nodes", watch, () => core.listNode(), false);
    this.pods = new ListWatch<V1Pod>(
      `/api/v1/namespaces/${ns}/pods`,
      watch,
      () => core.listNamespacedPod({ namespace: opts.namespace, labelSelector: opts.podSelector }),
      false,
      opts.podSelector,
    );
    this.daemonSets = new ListWatch<V1DaemonSet>(
      `/apis/apps/v1/namespaces/${ns}/daemonsets`,
      watch,
      () => apps.listNamespacedDaemonSet({ namespace: opts.namespace, fieldSelector: dsField }),
      false,
      undefined,
      dsField,
    );
    this.track("nodes", this.nodes as ListWatch<KubernetesObject>);
    this.track("pods", this.pods as ListWatch<KubernetesObject>);
    this.track("daemonsets", this.daemonSets as ListWatch<KubernetesObject>);
  }

  private readonly errorCounts = new Map<string, number>();
  private readonly failing = new Set<string>();

  private track(name: string, lw: ListWatch<KubernetesObject>): void {
    this.watches.push(lw);
    this.errorCounts.set(name, 0);
    let failures = 0;
    lw.on("error", (err: unknown) => {
      failures += 1;
      this.errorCounts.set(name, (this.errorCounts.get(name) ?? 0) + 1);
      this.failing.add(name);
      const message = `cannot list/watch ${name}: ${describeError(err)}`;
      this.problem = { message, since: this.problem?.since ?? new Date().toISOString() };
      if (this.stopped) return;
      const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(failures - 1, 5));
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        void this.startOne(name, lw).then((ok) => {
          if (ok) failures = 0;
        });
      }, delay);
      this.retryTimers.add(timer);
    });
  }

  /** ListWatch.start() reports failures through "error" rather than rejecting: compare error counts. */
  private async startOne(name: string, lw: ListWatch<KubernetesObject>): Promise<boolean> {
    if (this.stopped) return false;
    const before = this.errorCounts.get(name) ?? 0;
    await lw.start();
    if ((this.errorCounts.get(name) ?? 0) !== before) return false;
    this.failing.delete(name);
    this.synced.add(name);
    if (this.failing.size === 0) this.problem = null;
    return true;
  }

  async start(): Promise<void> {
    const names = [...this.errorCounts.keys()];
    await Promise.all(this.watches.map((lw, i) => this.startOne(names[i] ?? "", lw)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    await Promise.all(this.watches.map((lw) => lw.stop()));
  }

  snapshot(): InventorySnapshot {
    const ds = this.daemonSets
      .list(this.opts.namespace)
      .find((d) => d.metadata?.name === this.opts.daemonSet);
    return {
      synced: this.synced.size === this.watches.length,
      nodes: this.nodes
        .list()
        .map(reshapeNode)
        .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true })),
      pods: this.pods
        .list(this.opts.namespace)
        .map((p) => reshapePod(p, this.opts.container, this.opts.metricsPort)),
      daemonSet: ds ? reshapeDaemonSet(ds, this.opts.container) : null,
      layout: ds ? reshapeCacheLayout(ds, this.opts.container) : null,
      apiProblem: this.problem,
    };
  }
}
