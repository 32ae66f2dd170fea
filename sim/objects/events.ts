/**
 * v1 Events as kubelets and controllers record them: named `<object>.<hex nanoseconds>`, with
 * source/reportingComponent, and repeats of the same (object, reason, message) folded into one Event
 * whose count and lastTimestamp grow (client-go's EventCorrelator does this).
 */
import { formatTime, RESOURCES, StoreError, type ObjectStore } from "../k8s/store";
import type { KubeObject } from "../k8s/types";

/** Who records: `{ component: "kubelet", host: "node-1" }` or `{ component: "daemonset-controller" }`. */
export interface EventSource {
  component: string;
  host?: string;
}

export type EventType = "Normal" | "Warning";

export interface EventRecorder {
  /** `fieldPath` e.g. `spec.containers{node-cache}` for container events. */
  record(involved: KubeObject, type: EventType, reason: string, message: string, fieldPath?: string): void;
}

/** Event names end in the time in nanoseconds as hex, like client-go's `fmt.Sprintf("%v.%x", name, t.UnixNano())`. */
function eventName(objectName: string, now: Date, seq: number): string {
  const nanos = BigInt(now.getTime()) * 1_000_000n + BigInt(seq % 1_000_000);
  return `${objectName}.${nanos.toString(16)}`;
}

/**
 * One sequence for every recorder in the process: with one per recorder, the scheduler's and the
 * kubelet's events for the same pod in the same millisecond got the same name, and the second was
 * dropped as AlreadyExists (a pod's Pulled event went missing now and then).
 */
let seq = 0;

export function createEventRecorder(
  store: ObjectStore,
  source: EventSource,
  now: () => Date = () => new Date(),
): EventRecorder {
  const seen = new Map<string, string>();
  return {
    record(involved, type, reason, message, fieldPath) {
      const namespace = involved.metadata.namespace ?? "default";
      const key = `${involved.metadata.uid}/${fieldPath ?? ""}/${type}/${reason}/${message}`;
      const t = now();
      const existing = seen.get(key);
      try {
        if (existing && store.get(RESOURCES.events, namespace, existing)) {
          store.mutate(RESOURCES.events, namespace, existing, (ev) => {
            ev.count = (typeof ev.count === "number" ? ev.count : 1) + 1;
            ev.lastTimestamp = formatTime(t);
          });
          return;
        }
        const name = eventName(involved.metadata.name, t, seq++);
        store.create(RESOURCES.events, {
          apiVersion: "v1",
          kind: "Event",
          metadata: { name, namespace },
          involvedObject: {
            kind: involved.kind,
            namespace: involved.metadata.namespace,
            name: involved.metadata.name,
            uid: involved.metadata.uid,
            apiVersion: involved.apiVersion,
            resourceVersion: involved.metadata.resourceVersion,
            ...(fieldPath ? { fieldPath } : {}),
          },
          reason,
          message,
          source: { ...source },
          firstTimestamp: formatTime(t),
          lastTimestamp: formatTime(t),
          count: 1,
          type,
          eventTime: null,
          reportingComponent: source.component,
          reportingInstance: source.host ?? "",
        });
        seen.set(key, name);
      } catch (err) {
        // Events are best effort, as in client-go: a lost event must not break the controller.
        if (!(err instanceof StoreError)) throw err;
      }
    },
  };
}
