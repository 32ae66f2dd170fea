import "server-only";
import { Writable } from "node:stream";
import { Log, type KubeConfig } from "@kubernetes/client-node";
import { describeError, kubeErrorInfo } from "@/lib/errors";
import { LogCursor } from "./cursor";

/** One line of a node-local-dns container's output, as followed. */
export interface FollowedLine {
  node: string;
  pod: string;
  /** The kubelet's RFC3339Nano timestamp, or null if the line had none. */
  time: string | null;
  text: string;
}

export type FollowerState =
  | { state: "connecting" }
  | { state: "streaming" }
  | { state: "reconnecting"; reason: string; inMs: number }
  | { state: "failed"; reason: string; status: number | null };

export interface FollowTarget {
  namespace: string;
  pod: string;
  node: string;
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

/**
 * Follows one pod's `pods/log` (follow=true, timestamps=true) through @kubernetes/client-node. When the
 * stream drops while the pod lives, it resumes from the last second seen and its cursor drops what was
 * already delivered, so there is no gap and no duplicate. `stop()` aborts the request; nothing keeps
 * running after it.
 */
export class PodLogFollower {
  private readonly cursor = new LogCursor();
  private abort: AbortController | null = null;
  private stopped = false;
  private attempts = 0;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly kc: KubeConfig,
    readonly target: FollowTarget,
    private readonly container: string,
    /** Lines of history on the first connection: a count, or "all" for a pod we saw being created. */
    private readonly tailLines: number | "all",
    private readonly onLine: (line: FollowedLine) => void,
    private readonly onState: (state: FollowerState) => void,
  ) {}

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.abort?.abort();
    this.abort = null;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.onState({ state: "connecting" });
    const since = this.cursor.resumeSinceTime();
    if (since) this.cursor.beginResume();
    let partial = "";
    let ended = false;
    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      if (partial) this.deliver(partial);
      partial = "";
      this.scheduleReconnect(reason);
    };
    const sink = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        this.attempts = 0;
        const text = partial + chunk.toString("utf8");
        const lines = text.split("\n");
        partial = lines.pop() ?? "";
        for (const l of lines) this.deliver(l);
        cb();
      },
    });
    sink.on("finish", () => end("the log stream ended"));
    sink.on("unpipe", () => end("the connection to the API server dropped"));
    try {
      this.abort = await new Log(this.kc).log(this.target.namespace, this.target.pod, this.container, sink, {
        follow: true,
        timestamps: true,
        ...(since ? { sinceTime: since } : this.firstConnectionOptions()),
      });
      if (this.stopped) this.abort.abort();
      else this.onState({ state: "streaming" });
    } catch (err) {
      ended = true;
      const info = kubeErrorInfo(err);
      if (info && (info.status === 404 || info.status === 403 || info.status === 400)) {
        const reason =
          info.status === 403
            ? `not allowed to read ${this.target.namespace}/${this.target.pod} logs: grant "get" on "pods/log" in ${this.target.namespace}`
            : info.status === 404
              ? `pod ${this.target.pod} no longer exists`
              : describeError(err);
        this.onState({ state: "failed", reason, status: info.status });
        return;
      }
      this.scheduleReconnect(describeError(err));
    }
  }

  private firstConnectionOptions(): { tailLines?: number; sinceSeconds?: number } {
    if (this.tailLines === "all") return {};
    // client-node drops tailLines=0 (falsy): ask for the last second instead.
    return this.tailLines > 0 ? { tailLines: this.tailLines } : { sinceSeconds: 1 };
  }

  private deliver(raw: string): void {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const m = TIMESTAMP.exec(line);
    const time = m?.[1] ?? null;
    if (!this.cursor.accept(time)) return;
    this.onLine({
      node: this.target.node,
      pod: this.target.pod,
      time,
      text: m ? line.slice(m[0].length) : line,
    });
  }

  private scheduleReconnect(reason: string): void {
    if (this.stopped) return;
    this.attempts++;
    const inMs = Math.min(10_000, 250 * 2 ** Math.min(this.attempts - 1, 6));
    this.onState({ state: "reconnecting", reason, inMs });
    this.retry = setTimeout(() => void this.connect(), inMs);
  }
}
