import "server-only";
import type { KubeConfig } from "@kubernetes/client-node";
import type { ClusterInventory } from "@/lib/k8s/inventory";
import { PodLogFollower, type FollowerState } from "./follower";
import { SharedLogLine } from "./shared-line";
import type { LogNotice } from "./types";

/** Something the log viewer should show besides log lines: a pod joining or leaving, a stream problem. */
export interface LogSubscriber {
  /** Nodes to follow; null = every node. */
  nodes: ReadonlySet<string> | null;
  /** A line, parsed once for every subscriber (do not mutate it). */
  onLine(line: SharedLogLine): void;
  onNotice(notice: LogNotice): void;
}

interface Followed {
  follower: PodLogFollower;
  node: string;
}

/** Anything log lines can be subscribed from: the hub, or a synthetic source in a benchmark. */
export interface LogSource {
  subscribe(sub: LogSubscriber): () => void;
}

const RECONCILE_MS = 1000;

/**
 * One upstream `pods/log` stream per pod, shared by every browser that wants it. Pods that appear
 * during a rollout are picked up, pods that leave are let go, and when the last subscriber for a pod
 * goes away its stream is aborted.
 */
export class LogHub implements LogSource {
  private readonly subscribers = new Set<LogSubscriber>();
  private readonly followed = new Map<string, Followed>();
  private timer: NodeJS.Timeout | null = null;
  /** Pods seen when the current run of subscriptions began: followed from their last lines (a tail). */
  private known: Set<string> | null = null;

  constructor(
    private readonly kc: KubeConfig,
    private readonly inventory: ClusterInventory,
    private readonly opts: { namespace: string; container: string; tailLines: number },
  ) {}

  subscribe(sub: LogSubscriber): () => void {
    this.subscribers.add(sub);
    this.known ??= new Set(this.inventory.snapshot().pods.map((p) => p.name));
    for (const [pod, f] of this.followed) {
      if (wants(sub, f.node)) sub.onNotice(notice(f.node, pod, "following", `following ${pod} on ${f.node}`));
    }
    this.reconcile();
    this.timer ??= setInterval(() => this.reconcile(), RECONCILE_MS);
    return () => {
      this.subscribers.delete(sub);
      this.reconcile();
    };
  }

  /** Browsers (SSE streams) subscribed now, for the dashboard's own metrics. */
  subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Pods being followed now (for tests and the dashboard's own metrics). */
  activePods(): string[] {
    return [...this.followed.keys()];
  }

  private reconcile(): void {
    if (this.subscribers.size === 0) {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      this.known = null;
    }
    const wanted = new Map<string, string>();
    for (const p of this.inventory.snapshot().pods) {
      if (!p.nodeName || p.phase === "Pending") continue;
      if ([...this.subscribers].some((s) => wants(s, p.nodeName as string))) wanted.set(p.name, p.nodeName);
    }
    for (const [pod, f] of this.followed) {
      if (!wanted.has(pod)) {
        f.follower.stop();
        this.followed.delete(pod);
        this.broadcast(f.node, (s) =>
          s.onNotice(
            notice(f.node, pod, "left", `stopped following ${pod}: the pod is gone or no longer selected`),
          ),
        );
      }
    }
    for (const [pod, node] of wanted) {
      if (this.followed.has(pod)) continue;
      const follower = new PodLogFollower(
        this.kc,
        { namespace: this.opts.namespace, pod, node },
        this.opts.container,
        // A pod that appeared while we were streaming (a rollout) is read from its first line, so
        // nothing it logged before we connected is lost; pods that were there already show a tail.
        this.known?.has(pod) ? this.opts.tailLines : "all",
        (line) => {
          if (!this.subscribers.size) return;
          const shared = new SharedLogLine(line);
          this.broadcast(node, (s) => s.onLine(shared));
        },
        (state) => this.onState(pod, node, state),
      );
      this.followed.set(pod, { follower, node });
      follower.start();
      this.broadcast(node, (s) => s.onNotice(notice(node, pod, "following", `following ${pod} on ${node}`)));
    }
  }

  private onState(pod: string, node: string, state: FollowerState): void {
    if (state.state === "reconnecting") {
      this.broadcast(node, (s) =>
        s.onNotice(
          notice(
            node,
            pod,
            "reconnecting",
            `${pod}: ${state.reason}; resuming in ${Math.round(state.inMs / 100) / 10}s`,
          ),
        ),
      );
    } else if (state.state === "failed") {
      this.broadcast(node, (s) => s.onNotice(notice(node, pod, "failed", `${pod}: ${state.reason}`)));
    }
  }

  private broadcast(node: string, fn: (s: LogSubscriber) => void): void {
    for (const s of this.subscribers) if (wants(s, node)) fn(s);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const f of this.followed.values()) f.follower.stop();
    this.followed.clear();
    this.subscribers.clear();
  }
}

function wants(sub: LogSubscriber, node: string): boolean {
  return sub.nodes === null || sub.nodes.has(node);
}

function notice(node: string, pod: string, kind: LogNotice["kind"], message: string): LogNotice {
  return { node, pod, kind, message, time: new Date().toISOString() };
}
