/**
 * Deleting objects as the API server and the garbage collector do: pods gracefully through the
 * kubelet (deletionTimestamp first, the kubelet removes them), dependents of a deleted owner removed
 * in the background unless `propagationPolicy: Orphan`, a namespace's contents removed with it.
 */
import type { ApiServerHooks } from "./context";
import type { ObjectStore } from "./store";
import { ALL_RESOURCES, RESOURCES } from "./resources";
import type { KubeObject, ResourceType } from "./types";
import { StoreError } from "./errors";

export interface DeletionOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
}

function deletePod(
  store: ObjectStore,
  hooks: ApiServerHooks,
  pod: KubeObject,
  opts: DeletionOptions,
): KubeObject {
  const spec = (pod.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const grace = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  const ns = pod.metadata.namespace;
  // Unscheduled pods, forced deletions, and clusters without a kubelet hook: gone at once.
  if (grace <= 0 || !spec.nodeName || !hooks.onPodDeleteRequested) {
    return store.delete(RESOURCES.pods, ns, pod.metadata.name);
  }
  const marked = store.markDeleting(RESOURCES.pods, ns, pod.metadata.name, grace);
  hooks.onPodDeleteRequested(marked);
  return marked;
}

/** Deletes one object (pods gracefully) and schedules garbage collection of its dependents. */
export function deleteObject(
  store: ObjectStore,
  hooks: ApiServerHooks,
  rt: ResourceType,
  o: KubeObject,
  opts: DeletionOptions,
): KubeObject {
  const ns = rt.namespaced ? o.metadata.namespace : undefined;
  if (rt !== RESOURCES.pods && o.metadata.finalizers?.length) {
    // Finalizers hold the object until whoever owns them removes them (store.update then deletes it).
    return store.markDeleting(rt, ns, o.metadata.name, 0);
  }
  const result =
    rt === RESOURCES.pods ? deletePod(store, hooks, o, opts) : store.delete(rt, ns, o.metadata.name);
  if (rt === RESOURCES.namespaces) {
    deleteNamespaceContents(store, hooks, o.metadata.name);
  } else if (opts.propagationPolicy !== "Orphan" && o.metadata.uid) {
    const uid = o.metadata.uid;
    // The garbage collector works asynchronously after the owner is gone.
    setImmediate(() => collectDependents(store, hooks, uid, o.metadata.namespace));
  }
  return result;
}

function ignoreNotFound(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof StoreError) || err.status !== 404) throw err;
  }
}

/** Deletes every object whose ownerReferences name `ownerUid` (same namespace, or cluster-scoped owner). */
export function collectDependents(
  store: ObjectStore,
  hooks: ApiServerHooks,
  ownerUid: string,
  namespace: string | undefined,
): void {
  for (const rt of ALL_RESOURCES) {
    if (rt.verbs.length === 1) continue; // create-only review types are never stored
    for (const o of store.list(rt, rt.namespaced ? namespace : undefined).items) {
      if (!(o.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid)) continue;
      ignoreNotFound(() => deleteObject(store, hooks, rt, o, {}));
    }
  }
}

function deleteNamespaceContents(store: ObjectStore, hooks: ApiServerHooks, ns: string): void {
  for (const rt of ALL_RESOURCES) {
    if (!rt.namespaced) continue;
    for (const o of store.list(rt, ns).items)
      ignoreNotFound(() => deleteObject(store, hooks, rt, o, { propagationPolicy: "Orphan" }));
  }
}
