/**
 * Binding a pod to a node, as `POST pods/<name>/binding` does on a real API server
 * (pkg/registry/core/pod/storage: `assignPod` → `setPodNodeAndMetadata`): the pod gets `spec.nodeName`
 * and a PodScheduled=True condition in one write. The scheduler (scheduler.ts) and the API handler
 * both come through here.
 */
import { formatTime, RESOURCES, StoreError, type ObjectStore } from "./store";
import { badRequest, notFound } from "./errors";
import type { KubeObject } from "./types";
import { isObj, type Json } from "./json";

/**
 * The node a pod is meant for: spec.nodeName, else the single `metadata.name In [node]` matchFields
 * term the DaemonSet controller writes into required node affinity (GetTargetNodeName in
 * pkg/controller/daemon/util). Undefined when neither names one node.
 */
export function targetNodeOf(pod: Pick<KubeObject, "metadata"> & { spec?: unknown }): string | undefined {
  const spec = isObj(pod.spec) ? pod.spec : {};
  if (typeof spec.nodeName === "string" && spec.nodeName !== "") return spec.nodeName;
  const affinity = isObj(spec.affinity) ? spec.affinity : {};
  const node = isObj(affinity.nodeAffinity) ? affinity.nodeAffinity : {};
  const required = isObj(node.requiredDuringSchedulingIgnoredDuringExecution)
    ? node.requiredDuringSchedulingIgnoredDuringExecution
    : {};
  const terms = Array.isArray(required.nodeSelectorTerms) ? required.nodeSelectorTerms : [];
  for (const term of terms) {
    const fields = isObj(term) && Array.isArray(term.matchFields) ? term.matchFields : [];
    for (const f of fields) {
      if (!isObj(f) || f.key !== "metadata.name" || f.operator !== "In") continue;
      const values = Array.isArray(f.values) ? f.values : [];
      if (values.length === 1 && typeof values[0] === "string") return values[0];
    }
  }
  return undefined;
}

/** Whether the pod is bound (spec.nodeName set). */
export function isBound(pod: Pick<KubeObject, "metadata"> & { spec?: unknown }): boolean {
  const spec = isObj(pod.spec) ? pod.spec : {};
  return typeof spec.nodeName === "string" && spec.nodeName !== "";
}

/** Sets (or replaces) one condition in a pod status, as podutil.UpdatePodCondition does. */
export function setPodCondition(status: Json, condition: Json): void {
  const list = Array.isArray(status.conditions) ? (status.conditions as Json[]) : [];
  const at = list.findIndex((c) => c.type === condition.type);
  if (at < 0) {
    status.conditions = [...list, condition];
    return;
  }
  const old = list[at] as Json;
  const next = { ...condition };
  // The transition time moves only when the status does.
  if (old.status === condition.status && old.lastTransitionTime)
    next.lastTransitionTime = old.lastTransitionTime;
  status.conditions = list.map((c, i) => (i === at ? next : c));
}

/**
 * Binds `namespace/name` to `node`. Errors as the real registry answers: 404 for a missing pod, 409
 * Conflict when it is already assigned, being deleted, or the caller's resourceVersion/uid is stale.
 */
export function bindPod(
  store: ObjectStore,
  namespace: string,
  name: string,
  node: string,
  preconditions: { uid?: string; resourceVersion?: string } = {},
): KubeObject {
  if (!node)
    throw new StoreError(422, "Invalid", `Binding.core "${name}" is invalid: target.name: Required value`);
  const current = store.get(RESOURCES.pods, namespace, name);
  if (!current) throw notFound("", "pods", name);
  const conflict = (message: string) =>
    new StoreError(409, "Conflict", `Operation cannot be fulfilled on pods/binding "${name}": ${message}`, {
      name,
      kind: "pods/binding",
    });
  if (preconditions.uid && preconditions.uid !== current.metadata.uid)
    throw conflict(
      `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${current.metadata.uid ?? ""}`,
    );
  if (preconditions.resourceVersion && preconditions.resourceVersion !== current.metadata.resourceVersion)
    throw conflict(
      "the object has been modified; please apply your changes to the latest version and try again",
    );
  if (current.metadata.deletionTimestamp)
    throw conflict(`pod ${name} is being deleted, cannot be assigned to a host`);
  const bound = (current.spec as { nodeName?: string } | undefined)?.nodeName;
  if (bound) throw conflict(`pod ${name} is already assigned to node "${bound}"`);
  const next = structuredClone(current);
  next.spec = { ...(isObj(next.spec) ? next.spec : {}), nodeName: node };
  const status = isObj(next.status) ? next.status : {};
  setPodCondition(status, {
    type: "PodScheduled",
    status: "True",
    lastProbeTime: null,
    lastTransitionTime: formatTime(store.clock()),
  });
  next.status = status;
  return store.update(RESOURCES.pods, next, { subresource: "binding" });
}

/** The body of `POST pods/<name>/binding` (a v1 Binding), checked as the real registry checks it. */
export function bindingTarget(
  body: unknown,
  urlName: string,
): {
  node: string;
  preconditions: { uid?: string; resourceVersion?: string };
} {
  if (!isObj(body)) throw badRequest("the body of the request was not a Binding");
  const meta = isObj(body.metadata) ? body.metadata : {};
  if (typeof meta.name === "string" && meta.name !== "" && meta.name !== urlName)
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${urlName})`);
  const target = isObj(body.target) ? body.target : {};
  const kind = typeof target.kind === "string" ? target.kind : "";
  if (kind !== "" && kind !== "Node")
    throw new StoreError(
      422,
      "Invalid",
      `Binding.core "${urlName}" is invalid: target.kind: Invalid value: "${kind}": must be empty or 'Node'`,
      {
        name: urlName,
        kind: "Binding",
        causes: [
          {
            reason: "FieldValueInvalid",
            message: `Invalid value: "${kind}": must be empty or 'Node'`,
            field: "target.kind",
          },
        ],
      },
    );
  const pre: { uid?: string; resourceVersion?: string } = {};
  if (typeof meta.uid === "string" && meta.uid) pre.uid = meta.uid;
  if (typeof meta.resourceVersion === "string" && meta.resourceVersion)
    pre.resourceVersion = meta.resourceVersion;
  return { node: typeof target.name === "string" ? target.name : "", preconditions: pre };
}
