import "server-only";
import type { CoreV1Api, CoreV1Event } from "@kubernetes/client-node";
import type { CorefileConfigMap } from "@/lib/k8s/configmap";
import { kubeRequestError } from "@/lib/k8s/kube-request";

/** The component name the dashboard's Events carry (`kubectl get events` SOURCE column). */
export const EVENT_COMPONENT = "nodelocaldns-dashboard";

/**
 * Creates an Event on the ConfigMap. `event` is the record's Event form (reason, message,
 * annotations...); involvedObject, source and times are filled in here, as client-go's recorder does.
 */
export async function createConfigMapEvent(
  core: CoreV1Api,
  cm: Pick<CorefileConfigMap, "namespace" | "name" | "uid" | "resourceVersion">,
  event: CoreV1Event,
  now: Date,
): Promise<CoreV1Event> {
  const body: CoreV1Event = {
    ...event,
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      ...event.metadata,
      // Named like client-go's recorder: <object>.<hex nanoseconds>.
      name: event.metadata?.name ?? `${cm.name}.${(BigInt(now.getTime()) * 1_000_000n).toString(16)}`,
      namespace: cm.namespace,
    },
    involvedObject: {
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: cm.namespace,
      name: cm.name,
      uid: cm.uid,
      resourceVersion: cm.resourceVersion,
    },
    source: { component: EVENT_COMPONENT },
    reportingComponent: EVENT_COMPONENT,
    reportingInstance: EVENT_COMPONENT,
    firstTimestamp: event.firstTimestamp ?? now,
    lastTimestamp: event.lastTimestamp ?? now,
    count: event.count ?? 1,
    type: event.type ?? "Normal",
  };
  try {
    return await core.createNamespacedEvent({ namespace: cm.namespace, body });
  } catch (err) {
    throw kubeRequestError(err, { verb: "create", resource: "events", group: "", namespace: cm.namespace });
  }
}

/** Every Event on the ConfigMap the dashboard recorded (others' Events on it are left out). */
export async function listConfigMapEvents(
  core: CoreV1Api,
  ref: { namespace: string; name: string },
): Promise<CoreV1Event[]> {
  try {
    const list = await core.listNamespacedEvent({
      namespace: ref.namespace,
      fieldSelector: `involvedObject.kind=ConfigMap,involvedObject.name=${ref.name},source=${EVENT_COMPONENT}`,
    });
    return list.items;
  } catch (err) {
    throw kubeRequestError(err, { verb: "list", resource: "events", group: "", namespace: ref.namespace });
  }
}
