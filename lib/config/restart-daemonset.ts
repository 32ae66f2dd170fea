import "server-only";
import { RESTARTED_AT_ANNOTATION, restartPatch } from "@/lib/config/restart";
import { patchDaemonSet, readDaemonSet } from "@/lib/k8s/daemonset";
import { dsRef, type ConfigDeps } from "./deps";

/** What a restart did. */
export interface RestartResult {
  /** The new `kubectl.kubernetes.io/restartedAt` value. */
  restartedAt: string;
  /** The DaemonSet's generation after the patch: the rollout is observed once observedGeneration reaches it. */
  generation: number;
}

/**
 * `kubectl rollout restart`: a strategic merge patch of the restartedAt annotation. kubectl stamps
 * whole seconds, so a second restart within the same second would change nothing and start no
 * rollout (e.g. a rollback right after an apply); the stamp is moved past the current one instead.
 */
export async function restartDaemonSet(d: ConfigDeps): Promise<RestartResult> {
  const ds = await readDaemonSet(d.apps, dsRef(d));
  const previous = ds.spec?.template.metadata?.annotations?.[RESTARTED_AT_ANNOTATION];
  let at = d.now();
  const prevMs = previous ? Date.parse(previous) : NaN;
  if (Number.isFinite(prevMs) && Math.floor(at.getTime() / 1000) <= Math.floor(prevMs / 1000)) {
    at = new Date(Math.floor(prevMs / 1000) * 1000 + 1000);
  }
  const patch = restartPatch(at);
  const patched = await patchDaemonSet(d.apps, dsRef(d), patch);
  return {
    restartedAt: patch.spec.template.metadata.annotations[RESTARTED_AT_ANNOTATION],
    generation: patched.metadata?.generation ?? 0,
  };
}
