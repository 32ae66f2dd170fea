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

/**
 * The container's environment as the pod spec sets it, for the Corefile's `{$VAR}`: a literal `value`
 * as written, a `valueFrom` (Secret, ConfigMap, field) as null — set, but not something we read.
 * `envFrom` makes every name possible: "unknown", nothing can be assumed unset.
 */
export function containerEnv(ds: V1DaemonSet, container: string): Record<string, string | null> | "unknown" {
  const c = ds.spec?.template.spec?.containers.find((x) => x.name === container);
  if ((c?.envFrom?.length ?? 0) > 0) return "unknown";
  const env: Record<string, string | null> = {};
  for (const e of c?.env ?? []) env[e.name] = e.valueFrom ? null : (e.value ?? "");
  return env;
}

/**
 * The `controller-revision-hash` of the DaemonSet's current pod template: the newest
 * ControllerRevision it owns (the controller labels the pods it makes from it with the same hash).
 * Null when no revision exists yet (the controller has not synced the new template).
 */
export async function currentRevisionHash(apps: AppsV1Api, ds: V1DaemonSet): Promise<string | null> {
  const namespace = ds.metadata?.namespace ?? "";
  const name = ds.metadata?.name ?? "";
  let items;
  try {
    items = (await apps.listNamespacedControllerRevision({ namespace })).items;
  } catch (err) {
    throw kubeRequestError(err, { verb: "list", resource: "controllerrevisions", group: "apps", namespace });
  }
  const owned = items.filter((cr) =>
    cr.metadata?.ownerReferences?.some((o) => o.controller && o.uid === ds.metadata?.uid),
  );
  const newest = owned.sort((a, b) => b.revision - a.revision)[0];
  if (!newest) return null;
  return (
    newest.metadata?.labels?.["controller-revision-hash"] ??
    (newest.metadata?.name?.startsWith(`${name}-`) ? newest.metadata.name.slice(name.length + 1) : null)
  );
}
