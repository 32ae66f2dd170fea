/**
 * Is the new Corefile live on a node? Writing the ConfigMap proves nothing by itself: the kubelet
 * refreshes the mounted file after up to a minute or more, node-cache re-renders it every 10 s, and
 * CoreDNS's `reload` picks it up within 30 s ± 15 s — or never, on some versions (kubernetes/dns#356).
 * So a node counts as live only when it proves it: its pod started after the write, or its
 * `coredns_reload_version_info` hash changed without `coredns_reload_failed_total` growing.
 */

/** What one scrape of a node says about its configuration. */
export interface ConfigScrape {
  /** The `value` label of `coredns_reload_version_info` (hash of the Corefile last seen); null without `reload`. */
  configHash: string | null;
  /** `coredns_reload_failed_total`; null when the family is absent. */
  reloadFailed: number | null;
}

/** One node's evidence. */
export interface NodeConfigEvidence {
  node: string;
  /** When the node-cache container started (state.running.startedAt); null when it is not running. */
  containerStartedAt: string | Date | null;
  /**
   * When the pod object was created, if known. A container restarted inside an older pod reads the
   * mounted file, which the kubelet may not have refreshed yet, so only a pod created after the write
   * is sure to have the new file; without this field a container start after the write is trusted.
   */
  podCreatedAt?: string | Date | null;
  /**
   * Whether the pod is Ready. A pod that is not cannot be serving any Corefile, whatever its metrics
   * last said (they may be its predecessor's): it is never shown as live. Default true.
   */
  podReady?: boolean;
  /** The last scrape taken before the write, and the newest one of this pod (null when not scraped). */
  before: ConfigScrape | null;
  now: ConfigScrape | null;
}

/** The verdict for one node. */
export interface NodeLiveness {
  node: string;
  state: "live-restarted" | "live-reloaded" | "rejected" | "pending";
  /** One sentence for the operator. */
  reason: string;
}

/**
 * After this long without proof, "pending" suggests a restart: a minute for the kubelet, 10 s for
 * node-cache, 45 s for reload's interval plus jitter, and some slack.
 */
export const RELOAD_EXPECTED_WITHIN_MS = 150_000;

const time = (t: string | Date) => (t instanceof Date ? t.getTime() : Date.parse(t));

function grew(before: ConfigScrape | null, now: ConfigScrape | null): boolean {
  return (
    before?.reloadFailed !== null &&
    before?.reloadFailed !== undefined &&
    now?.reloadFailed !== null &&
    now?.reloadFailed !== undefined &&
    now.reloadFailed > before.reloadFailed
  );
}

/**
 * The verdict for one node, given when the ConfigMap was written (and, optionally, the current time,
 * to say when waiting longer is pointless).
 *
 * - "live-restarted": its pod (or, without podCreatedAt, its container) started after the write;
 *   node-cache rendered the new file at start — a file CoreDNS refused would not be running.
 * - "rejected": `coredns_reload_failed_total` grew since before the write: CoreDNS refused the new
 *   file and keeps serving the old one. The hash alone cannot tell: it changes even on a failed
 *   reload (seen in both the 1.22.13 and 1.22.28 reload-failed fixtures).
 * - "live-reloaded": the hash changed since before the write and the failure counter did not grow.
 * - "pending": no proof yet.
 */
export function corefileLiveness(writtenAt: Date, e: NodeConfigEvidence, nowTime?: Date): NodeLiveness {
  const written = writtenAt.getTime();
  const started = e.containerStartedAt === null ? null : time(e.containerStartedAt);
  const created = e.podCreatedAt === undefined || e.podCreatedAt === null ? null : time(e.podCreatedAt);
  const verdict = (state: NodeLiveness["state"], reason: string): NodeLiveness => ({
    node: e.node,
    state,
    reason,
  });

  if (e.podReady === false) {
    return verdict("pending", "the pod is not ready yet: it serves no Corefile until it is");
  }
  if (started !== null && started > written && (created === null || created > written)) {
    return verdict(
      "live-restarted",
      created === null
        ? "node-cache started after the change was written, so it loaded the new Corefile"
        : "its pod was created after the change was written, so it loaded the new Corefile",
    );
  }
  if (grew(e.before, e.now)) {
    return verdict(
      "rejected",
      `CoreDNS refused the new Corefile (coredns_reload_failed_total went from ${e.before?.reloadFailed} to ` +
        `${e.now?.reloadFailed}) and keeps serving the old one: see the pod's log for "Restart failed", fix the ` +
        "Corefile or roll back",
    );
  }
  const beforeHash = e.before?.configHash ?? null;
  const nowHash = e.now?.configHash ?? null;
  if (beforeHash !== null && nowHash !== null && beforeHash !== nowHash) {
    if (started !== null && started > written) {
      // A container restart inside an older pod that did load a changed file.
      return verdict("live-restarted", "node-cache restarted after the write and loaded a changed Corefile");
    }
    return verdict(
      "live-reloaded",
      "CoreDNS reloaded a changed Corefile (its configuration hash changed) without errors",
    );
  }
  return verdict("pending", pendingReason(e, written, started, created, nowTime));
}

function pendingReason(
  e: NodeConfigEvidence,
  written: number,
  started: number | null,
  created: number | null,
  nowTime?: Date,
): string {
  if (started !== null && started > written && created !== null) {
    return (
      "node-cache restarted after the write but inside an older pod, and its configuration hash has not " +
      "changed: the kubelet has not refreshed the mounted ConfigMap yet"
    );
  }
  if (!e.now) return "no metrics from this node since the change: waiting for a scrape";
  if (e.now.configHash === null) {
    return "this node exposes no coredns_reload_version_info (no reload plugin?): restart the DaemonSet to load the change";
  }
  if (!e.before || e.before.configHash === null) {
    return "no scrape from before the change to compare with: restart the DaemonSet to be sure the change is live";
  }
  if (nowTime && nowTime.getTime() - written > RELOAD_EXPECTED_WITHIN_MS) {
    const s = Math.round((nowTime.getTime() - written) / 1000);
    return (
      `still the old configuration ${s} s after the write; some node-cache versions never pick up edits ` +
      "(kubernetes/dns#356): restart the DaemonSet to load it"
    );
  }
  return "waiting for the kubelet to refresh the mounted ConfigMap and CoreDNS's reload to pick it up (usually within 2 minutes)";
}
