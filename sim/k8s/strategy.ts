/**
 * What the API server's registry strategies and defaulters do to every write, for the types the
 * simulation serves: a new pod starts `Pending`, a new DaemonSet has a zeroed status, unset fields get
 * the defaults a v1.32 server fills (so `kubectl get -o yaml` and strategic-merge patches behave as on
 * a cluster).
 */
import type { KubeObject, ResourceType } from "./types";
import { SERVER_VERSION } from "./discovery";

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function setDefault(o: Json, key: string, value: unknown): void {
  if (o[key] === undefined) o[key] = value;
}

function defaultContainer(c: unknown): void {
  if (!isObj(c)) return;
  setDefault(c, "terminationMessagePath", "/dev/termination-log");
  setDefault(c, "terminationMessagePolicy", "File");
  const image = typeof c.image === "string" ? c.image : "";
  const tag = image.includes("@") ? "digest" : (/:([^/:]+)$/.exec(image)?.[1] ?? "latest");
  setDefault(c, "imagePullPolicy", tag === "latest" ? "Always" : "IfNotPresent");
  setDefault(c, "resources", {});
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObj(p)) setDefault(p, "protocol", "TCP");
}

/** Pod spec defaults (also used for DaemonSet pod templates). */
export function defaultPodSpec(spec: unknown): void {
  if (!isObj(spec)) return;
  setDefault(spec, "restartPolicy", "Always");
  setDefault(spec, "terminationGracePeriodSeconds", 30);
  setDefault(spec, "dnsPolicy", "ClusterFirst");
  setDefault(spec, "securityContext", {});
  setDefault(spec, "schedulerName", "default-scheduler");
  for (const list of [spec.containers, spec.initContainers])
    if (Array.isArray(list)) list.forEach(defaultContainer);
  if (spec.hostNetwork === true && Array.isArray(spec.containers)) {
    // With hostNetwork the container ports are the host ports.
    for (const c of spec.containers) {
      if (isObj(c) && Array.isArray(c.ports))
        for (const p of c.ports) if (isObj(p)) setDefault(p, "hostPort", p.containerPort);
    }
  }
}

/** The advertised server's minor version (/version): what its defaulting does depends on it. */
const SERVER_MINOR = Number(SERVER_VERSION.minor);

/**
 * SetDefaults_DaemonSet (pkg/apis/apps/v1/defaults.go): an empty updateStrategy.type is
 * RollingUpdate; a RollingUpdate strategy gets rollingUpdate, maxUnavailable 1 and — once the
 * DaemonSetUpdateSurge gate is on by default, 1.22 (beta; GA 1.25, unconditional since) — maxSurge 0;
 * revisionHistoryLimit 10. A 1.20 server stores no maxSurge at all (the field did not exist yet).
 */
export function defaultDaemonSetSpec(spec: Json, serverMinor = SERVER_MINOR): void {
  setDefault(spec, "updateStrategy", {});
  const us = spec.updateStrategy;
  if (isObj(us)) {
    if (us.type === undefined || us.type === "") us.type = "RollingUpdate";
    if (us.type === "RollingUpdate") {
      if (!isObj(us.rollingUpdate)) us.rollingUpdate = {};
      const ru = us.rollingUpdate as Json;
      setDefault(ru, "maxUnavailable", 1);
      if (serverMinor >= 22) setDefault(ru, "maxSurge", 0);
    }
  }
  setDefault(spec, "revisionHistoryLimit", 10);
}

/** Pod QoS class from requests/limits, as the kubelet and the API server compute it. */
function qosClass(spec: Json): string {
  const containers = Array.isArray(spec.containers) ? spec.containers.filter(isObj) : [];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const r = isObj(c.resources) ? c.resources : {};
    const req = isObj(r.requests) ? r.requests : {};
    const lim = isObj(r.limits) ? r.limits : {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const res of ["cpu", "memory"]) {
      const l = lim[res];
      const q = req[res] ?? l;
      if (l === undefined || q !== l) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

/** Fills defaults on every write of the main resource (create, update, patch). */
export function applyDefaults(rt: ResourceType, o: KubeObject): void {
  const spec = o.spec;
  if (rt.group === "" && rt.resource === "pods") defaultPodSpec(spec);
  if (rt.group === "apps" && rt.resource === "daemonsets" && isObj(spec)) {
    defaultDaemonSetSpec(spec);
    if (isObj(spec.template)) {
      const tm = spec.template.metadata;
      if (isObj(tm)) setDefault(tm, "creationTimestamp", null);
      defaultPodSpec(spec.template.spec);
    }
  }
  if (rt.group === "" && rt.resource === "services" && isObj(spec)) {
    setDefault(spec, "type", "ClusterIP");
    setDefault(spec, "sessionAffinity", "None");
    if (Array.isArray(spec.ports)) {
      for (const p of spec.ports) {
        if (!isObj(p)) continue;
        setDefault(p, "protocol", "TCP");
        setDefault(p, "targetPort", p.port);
      }
    }
  }
}

/** Create-time strategy (PrepareForCreate) plus defaults. */
export function applyCreateStrategy(rt: ResourceType, o: KubeObject): void {
  applyDefaults(rt, o);
  if (rt.group === "" && rt.resource === "pods") {
    o.status = { phase: "Pending", qosClass: qosClass(isObj(o.spec) ? o.spec : {}) };
  } else if (rt.group === "apps" && rt.resource === "daemonsets") {
    o.status = {
      currentNumberScheduled: 0,
      numberMisscheduled: 0,
      desiredNumberScheduled: 0,
      numberReady: 0,
    };
  } else if (rt.group === "" && rt.resource === "namespaces") {
    o.spec = { finalizers: ["kubernetes"] };
    o.status = { phase: "Active" };
  }
}
