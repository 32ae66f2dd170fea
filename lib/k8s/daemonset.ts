import "server-only";
import { PatchStrategy, setHeaderOptions, type AppsV1Api, type V1DaemonSet } from "@kubernetes/client-node";
import { kubeRequestError } from "./kube-request";

/** Which DaemonSet runs node-cache. */
export interface DaemonSetRef {
  namespace: string;
  name: string;
}

/** Reads the DaemonSet (spec and status) as the API server has it now. */
export async function readDaemonSet(apps: AppsV1Api, ref: DaemonSetRef): Promise<V1DaemonSet> {
  try {
    return await apps.readNamespacedDaemonSet({ name: ref.name, namespace: ref.namespace });
  } catch (err) {
    throw kubeRequestError(err, { verb: "get", resource: "daemonsets", group: "apps", ...ref });
  }
}

/**
 * Sends a strategic merge patch (the content type `kubectl rollout restart` uses: a merge patch
 * would replace the containers list). Returns the patched DaemonSet.
 */
export async function patchDaemonSet(
  apps: AppsV1Api,
  ref: DaemonSetRef,
  patch: object,
  opts: { dryRun?: boolean } = {},
): Promise<V1DaemonSet> {
  try {
    return await apps.patchNamespacedDaemonSet(
      { name: ref.name, namespace: ref.namespace, body: patch, ...(opts.dryRun ? { dryRun: "All" } : {}) },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
  } catch (err) {
    throw kubeRequestError(err, { verb: "patch", resource: "daemonsets", group: "apps", ...ref });
  }
}

/** The named container's memory limit as written in the pod template ("200Mi"), or null when unset. */
export function containerMemoryLimit(ds: V1DaemonSet, container: string): string | null {
  const c = ds.spec?.template.spec?.containers.find((x) => x.name === container);
  return c?.resources?.limits?.["memory"] ?? null;
}
