/**
 * `kubectl rollout restart daemonset/node-local-dns`, as kubectl does it: stamp the pod template with
 * the `kubectl.kubernetes.io/restartedAt` annotation, so the template changes and the DaemonSet
 * controller replaces every pod by its rolling-update rules. This is the documented way to make a
 * Corefile change live (seed 002), and the only sure one.
 */

/** The annotation kubectl sets (k8s.io/kubectl/pkg/polymorphichelpers/objectrestarter.go). */
export const RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt";

/**
 * The patch type kubectl sends: a strategic merge patch (merge keys apply, so only the annotation
 * changes). A JSON merge patch would do the same here, but this is what `rollout restart` sends.
 */
export const RESTART_PATCH_CONTENT_TYPE = "application/strategic-merge-patch+json";

/** The strategic merge patch `rollout restart` sends for a DaemonSet. */
export interface RestartPatch {
  spec: { template: { metadata: { annotations: Record<typeof RESTARTED_AT_ANNOTATION, string> } } };
}

/**
 * Go's `time.Now().Format(time.RFC3339)` in UTC: whole seconds, "Z" (kubectl uses the local zone;
 * the API server only compares the string, so UTC is as good and the same on every dashboard replica).
 */
export function rfc3339Seconds(t: Date): string {
  if (Number.isNaN(t.getTime())) throw new RangeError("restart time is not a valid date");
  return t.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The body of `PATCH /apis/apps/v1/namespaces/{ns}/daemonsets/{name}` with content type
 * RESTART_PATCH_CONTENT_TYPE: `{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"…"}}}}}`.
 * Two restarts within one second produce the same value and so no rollout, exactly as with kubectl.
 */
export function restartPatch(now: Date): RestartPatch {
  return {
    spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: rfc3339Seconds(now) } } } },
  };
}
