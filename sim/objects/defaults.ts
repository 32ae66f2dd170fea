/**
 * The defaults a real API server fills into workload objects on create. Clients read them back
 * (`kubectl rollout status` refuses a DaemonSet whose updateStrategy.type is not RollingUpdate), so
 * the simulation's objects carry them too. Applying them twice changes nothing.
 */
import type { KubeObject } from "../k8s/types";

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {};
}

function withDefaults(target: Json, defaults: Json): Json {
  const out: Json = { ...target };
  for (const [k, v] of Object.entries(defaults)) if (out[k] === undefined) out[k] = v;
  return out;
}

function probeDefaults(probe: unknown): Json | undefined {
  if (!probe) return undefined;
  const p = withDefaults(obj(probe), { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  if (p.httpGet) p.httpGet = withDefaults(obj(p.httpGet), { scheme: "HTTP" });
  return p;
}

function containerDefaults(c: unknown): Json {
  const out = withDefaults(obj(c), { terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File", imagePullPolicy: "IfNotPresent" });
  if (Array.isArray(out.ports)) out.ports = out.ports.map((p) => withDefaults(obj(p), { protocol: "TCP" }));
  const liveness = probeDefaults(out.livenessProbe);
  if (liveness) out.livenessProbe = liveness;
  return out;
}

/** PodSpec defaults (also applied to a DaemonSet's template). */
export function podSpecDefaults(spec: unknown): Json {
  const out = withDefaults(obj(spec), {
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 30,
    dnsPolicy: "ClusterFirst",
    securityContext: {},
    schedulerName: "default-scheduler",
  });
  if (Array.isArray(out.containers)) out.containers = out.containers.map(containerDefaults);
  if (out.priorityClassName === "system-node-critical" && out.priority === undefined) out.priority = 2000001000;
  if (out.priorityClassName && out.preemptionPolicy === undefined) out.preemptionPolicy = "PreemptLowerPriority";
  if (out.enableServiceLinks === undefined) out.enableServiceLinks = true;
  return out;
}

/** DaemonSet defaults: RollingUpdate with maxUnavailable 1 / maxSurge 0 unless given, history limit 10. */
export function daemonSetDefaults(ds: KubeObject): KubeObject {
  const spec = obj(ds.spec);
  const strategy = withDefaults(obj(spec.updateStrategy), { type: "RollingUpdate" });
  if (strategy.type === "RollingUpdate") strategy.rollingUpdate = withDefaults(obj(strategy.rollingUpdate), { maxUnavailable: 1, maxSurge: 0 });
  const template = obj(spec.template);
  return {
    ...ds,
    spec: {
      ...withDefaults(spec, { revisionHistoryLimit: 10 }),
      updateStrategy: strategy,
      template: { ...template, metadata: { creationTimestamp: null, ...obj(template.metadata) }, spec: podSpecDefaults(template.spec) },
    },
  };
}
