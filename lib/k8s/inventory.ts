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
import { compareNames } from "@/lib/format";
import { podsByNode, reshapeCacheLayout, reshapeDaemonSet, reshapeNode, reshapePod } from "./reshape";
import type { ApiServerProblem, CachePod, ClusterNode, DaemonSetSummary, NodeCacheLayout } from "./types";

export interface InventoryOptions {
  namespace: string;
  podSelector: string;
  daemonSet: string;
  container: string;
  metricsPort: number;
  /**
   * How long each watch request may run before the API server ends it and the watch resumes from the
   * last resourceVersion it saw (client-go's reflectors pick 5–10 min at random, so that many clients
   * do not reconnect at once; so does this, unless a test sets it).
   */
  watchTimeoutSeconds?: number;
}

export interface InventorySnapshot {
  /** True once every watch has listed at least once. */
  synced: boolean;
  nodes: ClusterNode[];
  pods: CachePod[];
  /** Each node's cache pod (podForNode's choice), for lookups by node name. */
  podByNode: ReadonlyMap<string, CachePod>;
  daemonSet: DaemonSetSummary | null;
  /** The DaemonSet's pod network layout (host network or not, -localip, pod labels); null without it. */
  layout: NodeCacheLayout | null;
  apiProblem: ApiServerProblem | null;
}

const RETRY_MIN_MS = 1000;

/**
 * client-node's ListWatch asks for neither bookmarks nor a watch timeout. Without bookmarks, a watch
 * on an idle resource (the DaemonSet, a quiet pod list) resumes from the version it listed at, which
 * on a busy cluster has long left the API server's window: every reconnect ends in 410 Gone and a full
 * re-list of every node and pod. With bookmarks the server keeps that version fresh, as client-go's
 * reflectors ask it to. (ListWatch itself answers 410, as an error status or an ERROR event, by
 * listing again.)
 */
class BookmarkedWatch extends Watch {
  constructor(
    kc: KubeConfig,
    private readonly timeoutSeconds: () => number,
  ) {
    super(kc);
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: Parameters<Watch["watch"]>[2],
    done: Parameters<Watch["watch"]>[3],
  ): Promise<AbortController> {
    return super.watch(
      path,
      { ...queryParams, allowWatchBookmarks: true, timeoutSeconds: this.timeoutSeconds() },
      callback,
      done,
    );
  }
}
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
  private readonly lists = new Map<string, number>();
  /** The Corefile's `prometheus` port, once the ConfigMap has been read (see reshapePod). */
  private corefileMetricsPort: number | null = null;
  /** The last snapshot, until a watch delivers a change (5,000 nodes: built once, read many times). */
  private cached: InventorySnapshot | null = null;

  constructor(
    kc: KubeConfig,
    private readonly opts: InventoryOptions,
  ) {
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const timeout = opts.watchTimeoutSeconds;
    const watch = new BookmarkedWatch(kc, () => timeout ?? 300 + Math.floor(Math.random() * 300));
    const counted =
      <T>(name: string, list: () => Promise<T>) =>
      () => {
        this.lists.set(name, (this.lists.get(name) ?? 0) + 1);
        return list();
      };
    const ns = encodeURIComponent(opts.namespace);
    const dsField = `metadata.name=${opts.daemonSet}`;
    this.nodes = new ListWatch<V1Node>(
      "/api/v1/nodes",
      watch,
      counted("nodes", () => core.listNode()),
      false,
    );
    this.pods = new ListWatch<V1Pod>(
      `/api/v1/namespaces/${ns}/pods`,
      watch,
      counted("pods", () =>
        core.listNamespacedPod({ namespace: opts.namespace, labelSelector: opts.podSelector }),
      ),
      false,
      opts.podSelector,
    );
    this.daemonSets = new ListWatch<V1DaemonSet>(
      `/apis/apps/v1/namespaces/${ns}/daemonsets`,
      watch,
      counted("daemonsets", () =>
        apps.listNamespacedDaemonSet({ namespace: opts.namespace, fieldSelector: dsField }),
      ),
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
    lw.on("change", () => void (this.cached = null));
    this.errorCounts.set(name, 0);
    let failures = 0;
    lw.on("error", (err: unknown) => {
      failures += 1;
      this.errorCounts.set(name, (this.errorCounts.get(name) ?? 0) + 1);
      this.failing.add(name);
      const message = `cannot list/watch ${name}: ${describeError(err)}`;
      this.problem = { message, since: this.problem?.since ?? new Date().toISOString() };
      this.cached = null;
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
    this.cached = null;
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

  /** Where the Corefile says CoreDNS serves /metrics (null: it does not say; the pod spec decides). */
  setCorefileMetricsPort(port: number | null): void {
    if (port !== this.corefileMetricsPort) this.cached = null;
    this.corefileMetricsPort = port;
  }

  /** Full lists made so far, per resource: one at start, one after each 410 or failure. */
  listCounts(): Record<"nodes" | "pods" | "daemonsets", number> {
    const n = (k: string) => this.lists.get(k) ?? 0;
    return { nodes: n("nodes"), pods: n("pods"), daemonsets: n("daemonsets") };
  }

  /**
   * Each watched object's reshaped form, by the object itself: a watch event replaces the changed
   * object only, so a new snapshot reshapes what changed and reuses the rest. At 5,000 nodes a node
   * status or pod update every few milliseconds is normal, and reshaping and sorting everything on
   * each one took 40–150 ms of the event loop.
   */
  private readonly shapedNodes = new WeakMap<V1Node, ClusterNode>();
  private shapedPods = new WeakMap<V1Pod, CachePod>();
  private shapedPodsPort: number | null = null;
  /** The previous snapshot's node order, by name: reused while the same names are listed. */
  private nodeOrder = new Map<string, number>();

  /** The cluster as last listed/watched; the same object until something changes (do not mutate it). */
  snapshot(): InventorySnapshot {
    if (this.cached) return this.cached;
    const ds = this.daemonSets
      .list(this.opts.namespace)
      .find((d) => d.metadata?.name === this.opts.daemonSet);
    if (this.shapedPodsPort !== this.corefileMetricsPort) {
      this.shapedPods = new WeakMap();
      this.shapedPodsPort = this.corefileMetricsPort;
    }
    const pods = this.pods.list(this.opts.namespace).map((p) => {
      let shaped = this.shapedPods.get(p);
      if (!shaped) {
        shaped = reshapePod(p, this.opts.container, this.opts.metricsPort, this.corefileMetricsPort);
        this.shapedPods.set(p, shaped);
      }
      return shaped;
    });
    this.cached = {
      synced: this.synced.size === this.watches.length,
      nodes: this.sortedNodes(),
      pods,
      podByNode: podsByNode(pods),
      daemonSet: ds ? reshapeDaemonSet(ds, this.opts.container) : null,
      layout: ds ? reshapeCacheLayout(ds, this.opts.container) : null,
      apiProblem: this.problem,
    };
    return this.cached;
  }

  /** The nodes in name order (compareNames), reshaped where they changed. */
  private sortedNodes(): ClusterNode[] {
    const nodes = this.nodes.list().map((n) => {
      let shaped = this.shapedNodes.get(n);
      if (!shaped) {
        shaped = reshapeNode(n);
        this.shapedNodes.set(n, shaped);
      }
      return shaped;
    });
    const order = this.nodeOrder;
    if (nodes.length === order.size && nodes.every((n) => order.has(n.name))) {
      const sorted = new Array<ClusterNode>(nodes.length);
      for (const n of nodes) sorted[order.get(n.name) as number] = n;
      return sorted;
    }
    nodes.sort((a, b) => compareNames(a.name, b.name));
    this.nodeOrder = new Map(nodes.map((n, i) => [n.name, i]));
    return nodes;
  }
}
