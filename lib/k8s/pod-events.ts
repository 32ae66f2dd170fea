import "server-only";
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { asDashboardError } from "@/lib/errors";
import { kubeRequestError } from "./kube-request";
import { newestEventsFirst, reshapeEvent } from "./reshape";
import type { PodEvent } from "./types";

/** A pod's recent Events, or why they could not be read (403: not allowed; 502: API server unreachable). */
export type PodEventsResult =
  | { events: PodEvent[]; readAt: string; problem: null }
  | { events: []; readAt: string; problem: { status: number; message: string } };

/** How long one pod's Events are reused: a node page polls every 2 s, the API server is asked at most every 10 s. */
export const POD_EVENTS_TTL_MS = 10_000;
const MAX_CACHED = 500;

/**
 * Reads the Events of one pod on demand — only while someone has its node's page open, never in the
 * scrape round — with `fieldSelector=involvedObject.kind=Pod,involvedObject.name=<pod>` (core v1,
 * which also returns Events written through events.k8s.io/v1). Answers are cached per pod for
 * POD_EVENTS_TTL_MS and concurrent asks share one request, so any number of open pages cost one
 * list per pod per 10 s.
 */
export class PodEventsReader {
  private readonly core: CoreV1Api;
  private readonly cache = new Map<string, { at: number; result: Promise<PodEventsResult> }>();

  constructor(
    kc: KubeConfig,
    private readonly namespace: string,
    private readonly ttlMs = POD_EVENTS_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
  }

  read(pod: string): Promise<PodEventsResult> {
    const t = this.now();
    const hit = this.cache.get(pod);
    if (hit && t - hit.at < this.ttlMs) return hit.result;
    if (this.cache.size >= MAX_CACHED) {
      for (const [k, v] of this.cache) if (t - v.at >= this.ttlMs) this.cache.delete(k);
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
    }
    const result = this.list(pod);
    this.cache.set(pod, { at: t, result });
    return result;
  }

  private async list(pod: string): Promise<PodEventsResult> {
    const readAt = new Date(this.now()).toISOString();
    try {
      const list = await this.core.listNamespacedEvent({
        namespace: this.namespace,
        fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${pod}`,
      });
      return { events: newestEventsFirst(list.items.map(reshapeEvent)), readAt, problem: null };
    } catch (err) {
      const e =
        asDashboardError(err) ??
        kubeRequestError(err, { verb: "list", resource: "events", group: "", namespace: this.namespace });
      // A failure is cached as briefly as an answer: a refusing or unreachable API server is not asked 5×/10 s.
      return { events: [], readAt, problem: { status: e.status, message: e.message } };
    }
  }
}
