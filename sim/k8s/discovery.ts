/**
 * Discovery documents (/api, /api/v1, /apis, /apis/<g>/<v>) and /version, shaped like a v1.32 API
 * server's legacy (unaggregated) discovery. kubectl asks for aggregated discovery first and falls back
 * to these when the response is plain `application/json`.
 */
import { ALL_RESOURCES } from "./resources";
import type { ResourceType } from "./types";

/** Kinds of subresources as a real server lists them (`pods/proxy` → PodProxyOptions...). */
const SUBRESOURCE_KIND: Record<string, { kind: string; group?: string; version?: string }> = {
  "pods/log": { kind: "Pod" },
  "pods/status": { kind: "Pod" },
  "pods/proxy": { kind: "PodProxyOptions" },
  "pods/portforward": { kind: "PodPortForwardOptions" },
  "pods/exec": { kind: "PodExecOptions" },
  "pods/attach": { kind: "PodAttachOptions" },
  "pods/binding": { kind: "Binding" },
  "pods/eviction": { kind: "Eviction", group: "policy", version: "v1" },
  "pods/ephemeralcontainers": { kind: "Pod" },
  "nodes/proxy": { kind: "NodeProxyOptions" },
  "services/proxy": { kind: "ServiceProxyOptions" },
  "serviceaccounts/token": { kind: "TokenRequest", group: "authentication.k8s.io", version: "v1" },
  "namespaces/finalize": { kind: "Namespace" },
};

/** The server version kubectl v1.32 sees; same minor as the client so no skew warning appears. */
export const SERVER_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.4",
  gitCommit: "59526cd4867447956156ae3a602fcbac10a2c335",
  gitTreeState: "clean",
  buildDate: "2025-04-22T16:01:44Z",
  goVersion: "go1.23.8",
  compiler: "gc",
  platform: "linux/amd64",
};

/** The groups served, core excluded, in the order a real server lists them. */
export function servedGroups(): { name: string; version: string }[] {
  const seen = new Map<string, string>();
  for (const r of ALL_RESOURCES) if (r.group && !seen.has(r.group)) seen.set(r.group, r.version);
  return [...seen].map(([name, version]) => ({ name, version }));
}

export function apiVersions(serverAddress: string): unknown {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

export function apiGroupList(): unknown {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: servedGroups().map((g) => apiGroup(g.name, g.version)),
  };
}

export function apiGroup(name: string, version: string): Record<string, unknown> {
  const gv = { groupVersion: `${name}/${version}`, version };
  return { name, versions: [gv], preferredVersion: gv };
}

function resourceEntry(r: ResourceType): Record<string, unknown> {
  const e: Record<string, unknown> = {
    name: r.resource,
    singularName: r.singularName ?? "",
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
  };
  if (r.shortNames?.length) e.shortNames = r.shortNames;
  if (r.categories?.length) e.categories = r.categories;
  return e;
}

/** APIResourceList for a group version, subresources listed as `pods/log` entries; undefined if not served. */
export function apiResourceList(group: string, version: string): unknown {
  const rts = ALL_RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rts.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const r of rts) {
    resources.push(resourceEntry(r));
    for (const [sub, verbs] of Object.entries(r.subresources ?? {})) {
      const name = `${r.resource}/${sub}`;
      const k = SUBRESOURCE_KIND[name] ?? { kind: r.kind };
      const e: Record<string, unknown> = { name, singularName: "", namespaced: r.namespaced };
      if (k.group) e.group = k.group;
      if (k.version) e.version = k.version;
      e.kind = k.kind;
      e.verbs = verbs;
      resources.push(e);
    }
  }
  resources.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

/** Content type of aggregated discovery (apidiscovery.k8s.io/v2), as kubectl v1.32 asks for first. */
export const AGGREGATED_DISCOVERY_TYPE =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/** Whether the Accept header lists aggregated discovery v2. */
export function acceptsAggregated(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((part) => {
    const params = part.split(";").map((p) => p.trim());
    return (
      params.includes("g=apidiscovery.k8s.io") &&
      params.includes("v=v2") &&
      params.includes("as=APIGroupDiscoveryList")
    );
  });
}

function gvk(group: string, version: string, kind: string): Record<string, string> {
  return { group, version, kind };
}

function resourceDiscovery(r: ResourceType): Record<string, unknown> {
  const e: Record<string, unknown> = {
    resource: r.resource,
    responseKind: gvk(r.group, r.version, r.kind),
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singularName ?? "",
    verbs: r.verbs,
  };
  if (r.shortNames?.length) e.shortNames = r.shortNames;
  if (r.categories?.length) e.categories = r.categories;
  const subs = Object.entries(r.subresources ?? {}).map(([sub, verbs]) => {
    const k = SUBRESOURCE_KIND[`${r.resource}/${sub}`] ?? { kind: r.kind };
    return { subresource: sub, responseKind: gvk(k.group ?? r.group, k.version ?? r.version, k.kind), verbs };
  });
  if (subs.length) e.subresources = subs;
  return e;
}

/** `/api` (core) or `/apis` (named groups) as an APIGroupDiscoveryList. */
export function aggregatedDiscovery(core: boolean): unknown {
  const groups = core ? [{ name: "", version: "v1" }] : servedGroups();
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: "apidiscovery.k8s.io/v2",
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: [
        {
          version: g.version,
          resources: ALL_RESOURCES.filter((r) => r.group === g.name && r.version === g.version).map(
            resourceDiscovery,
          ),
          freshness: "Current",
        },
      ],
    })),
  };
}
