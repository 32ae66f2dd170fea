import "server-only";
import { CoreV1Api, Watch, type KubeConfig, type V1ConfigMap } from "@kubernetes/client-node";
import { describeError } from "@/lib/errors";
import { kubeStatus } from "./kube-request";

/** What the watch reports: every version of the ConfigMap it sees (in order), and trouble. */
export interface ConfigMapWatchHandlers {
  /** The ConfigMap as listed (`listed: true`, after a start or a 410) or as a watch event carried it. */
  onObject(cm: V1ConfigMap, listed: boolean): void | Promise<void>;
  /** The ConfigMap was deleted (or is missing at a list). */
  onGone?(): void;
  /** A list or watch failed; it is retried with back-off. */
  onProblem?(message: string): void;
}

/**
 * Watches one ConfigMap (list + watch with a `metadata.name` field selector, so RBAC `resourceNames`
 * can restrict it): `allowWatchBookmarks` so an idle watch keeps a fresh resourceVersion to resume
 * from, and 410 Gone (the version left the API server's window) answered by listing again. Events are
 * handed over one at a time, in order (the next waits for the handler's promise). `stop()` aborts.
 */
export class ConfigMapWatch {
  private readonly core: CoreV1Api;
  private readonly watch: Watch;
  private request: AbortController | null = null;
  private resourceVersion = "";
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    kc: KubeConfig,
    private readonly ref: { namespace: string; name: string },
    private readonly handlers: ConfigMapWatchHandlers,
    private readonly opts: {
      retryBaseMs?: number;
      retryMaxMs?: number;
      /** Ask the server to end each watch after this long (it resumes from the last version seen). */
      watchTimeoutSeconds?: number;
    } = {},
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.watch = new Watch(kc);
  }

  /** Resolves after the first list was handled (or failed; it is then retried). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.listThenWatch();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.request?.abort();
    this.request = null;
    await this.queue.catch(() => undefined);
  }

  private deliver(fn: () => void | Promise<void>): Promise<void> {
    this.queue = this.queue.then(fn).catch((err: unknown) => this.handlers.onProblem?.(describeError(err)));
    return this.queue;
  }

  private async listThenWatch(): Promise<void> {
    if (this.stopped) return;
    const fieldSelector = `metadata.name=${this.ref.name}`;
    if (!this.resourceVersion) {
      try {
        const list = await this.core.listNamespacedConfigMap({
          namespace: this.ref.namespace,
          fieldSelector,
        });
        this.resourceVersion = list.metadata?.resourceVersion ?? "";
        const cm = list.items[0];
        await this.deliver(() => (cm ? this.handlers.onObject(cm, true) : this.handlers.onGone?.()));
      } catch (err) {
        this.retry(`cannot list ConfigMap ${this.ref.namespace}/${this.ref.name}: ${describeError(err)}`);
        return;
      }
    }
    if (this.stopped) return;
    try {
      this.request = await this.watch.watch(
        `/api/v1/namespaces/${encodeURIComponent(this.ref.namespace)}/configmaps`,
        {
          fieldSelector,
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: this.opts.watchTimeoutSeconds,
        },
        (phase, obj: V1ConfigMap & { code?: number }) => this.onEvent(phase, obj),
        (err: unknown) => this.onDone(err),
      );
    } catch (err) {
      this.onDone(err);
    }
  }

  private onEvent(phase: string, obj: V1ConfigMap & { code?: number }): void {
    if (phase === "ERROR") {
      // 410 Expired as an ERROR event: list again once the watch ends.
      if (obj.code === 410) this.resourceVersion = "";
      return;
    }
    this.failures = 0;
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (phase === "ADDED" || phase === "MODIFIED")
      void this.deliver(() => this.handlers.onObject(obj, false));
    else if (phase === "DELETED") void this.deliver(() => this.handlers.onGone?.());
    // BOOKMARK: only the resourceVersion, kept above.
  }

  private onDone(err: unknown): void {
    this.request = null;
    if (this.stopped) return;
    if (err && kubeStatus(err) === 410) this.resourceVersion = "";
    else if (err) {
      this.retry(
        `the watch of ConfigMap ${this.ref.namespace}/${this.ref.name} failed: ${describeError(err)}`,
      );
      return;
    }
    // A watch that ended normally (the server's timeout) resumes from the last version seen.
    void this.listThenWatch();
  }

  private retry(message: string): void {
    this.handlers.onProblem?.(message);
    this.failures++;
    const base = this.opts.retryBaseMs ?? 1000;
    const delay = Math.min(this.opts.retryMaxMs ?? 30_000, base * 2 ** Math.min(this.failures - 1, 5));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.listThenWatch();
    }, delay);
    this.retryTimer.unref();
  }
}
