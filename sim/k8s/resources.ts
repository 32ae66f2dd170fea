/**
 * The resource types the simulated API server serves, with the verbs, short names and subresources a
 * v1.32 API server advertises in discovery (kubectl resolves `ds`, `cm`, `po` from these).
 */
import type { ResourceType } from "./types";

const RW = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const STATUS = { status: ["get", "patch", "update"] };

function rt(r: ResourceType): ResourceType {
  return r;
}

export const RESOURCES = {
  nodes: rt({
    group: "",
    version: "v1",
    resource: "nodes",
    singularName: "node",
    kind: "Node",
    namespaced: false,
    shortNames: ["no"],
    verbs: RW,
    subresources: { ...STATUS, proxy: ["create", "delete", "get", "patch", "update"] },
  }),
  pods: rt({
    group: "",
    version: "v1",
    resource: "pods",
    singularName: "pod",
    kind: "Pod",
    namespaced: true,
    shortNames: ["po"],
    categories: ["all"],
    verbs: RW,
    subresources: {
      ...STATUS,
      log: ["get"],
      proxy: ["create", "delete", "get", "patch", "update"],
      portforward: ["create", "get"],
      exec: ["create", "get"],
      attach: ["create", "get"],
      binding: ["create"],
      eviction: ["create"],
      ephemeralcontainers: ["get", "patch", "update"],
    },
  }),
  services: rt({
    group: "",
    version: "v1",
    resource: "services",
    singularName: "service",
    kind: "Service",
    namespaced: true,
    shortNames: ["svc"],
    categories: ["all"],
    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    subresources: { ...STATUS, proxy: ["create", "delete", "get", "patch", "update"] },
  }),
  configmaps: rt({
    group: "",
    version: "v1",
    resource: "configmaps",
    singularName: "configmap",
    kind: "ConfigMap",
    namespaced: true,
    shortNames: ["cm"],
    verbs: RW,
  }),
  events: rt({
    group: "",
    version: "v1",
    resource: "events",
    singularName: "event",
    kind: "Event",
    namespaced: true,
    shortNames: ["ev"],
    verbs: RW,
  }),
  namespaces: rt({
    group: "",
    version: "v1",
    resource: "namespaces",
    singularName: "namespace",
    kind: "Namespace",
    namespaced: false,
    shortNames: ["ns"],
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    subresources: { ...STATUS, finalize: ["update"] },
  }),
  serviceaccounts: rt({
    group: "",
    version: "v1",
    resource: "serviceaccounts",
    singularName: "serviceaccount",
    kind: "ServiceAccount",
    namespaced: true,
    shortNames: ["sa"],
    verbs: RW,
    subresources: { token: ["create"] },
  }),
  daemonsets: rt({
    group: "apps",
    version: "v1",
    resource: "daemonsets",
    singularName: "daemonset",
    kind: "DaemonSet",
    namespaced: true,
    shortNames: ["ds"],
    categories: ["all"],
    verbs: RW,
    subresources: STATUS,
    tracksGeneration: true,
  }),
  controllerrevisions: rt({
    group: "apps",
    version: "v1",
    resource: "controllerrevisions",
    singularName: "controllerrevision",
    kind: "ControllerRevision",
    namespaced: true,
    verbs: RW,
  }),
  roles: rt({
    group: "rbac.authorization.k8s.io",
    version: "v1",
    resource: "roles",
    singularName: "role",
    kind: "Role",
    namespaced: true,
    verbs: RW,
  }),
  rolebindings: rt({
    group: "rbac.authorization.k8s.io",
    version: "v1",
    resource: "rolebindings",
    singularName: "rolebinding",
    kind: "RoleBinding",
    namespaced: true,
    verbs: RW,
  }),
  clusterroles: rt({
    group: "rbac.authorization.k8s.io",
    version: "v1",
    resource: "clusterroles",
    singularName: "clusterrole",
    kind: "ClusterRole",
    namespaced: false,
    verbs: RW,
  }),
  clusterrolebindings: rt({
    group: "rbac.authorization.k8s.io",
    version: "v1",
    resource: "clusterrolebindings",
    singularName: "clusterrolebinding",
    kind: "ClusterRoleBinding",
    namespaced: false,
    verbs: RW,
  }),
  selfsubjectrulesreviews: rt({
    group: "authorization.k8s.io",
    version: "v1",
    resource: "selfsubjectrulesreviews",
    singularName: "selfsubjectrulesreview",
    kind: "SelfSubjectRulesReview",
    namespaced: false,
    verbs: ["create"],
  }),
  selfsubjectaccessreviews: rt({
    group: "authorization.k8s.io",
    version: "v1",
    resource: "selfsubjectaccessreviews",
    singularName: "selfsubjectaccessreview",
    kind: "SelfSubjectAccessReview",
    namespaced: false,
    verbs: ["create"],
  }),
  // Cilium's CRDs (cilium.io/v2), as a cluster running Cilium serves them: what the LRP layout
  // (sim/objects/cilium.ts) creates, and what the dashboard reads in that mode.
  ciliumlocalredirectpolicies: rt({
    group: "cilium.io",
    version: "v2",
    resource: "ciliumlocalredirectpolicies",
    singularName: "ciliumlocalredirectpolicy",
    kind: "CiliumLocalRedirectPolicy",
    namespaced: true,
    shortNames: ["clrp"],
    categories: ["cilium", "ciliumpolicy"],
    verbs: RW,
    subresources: STATUS,
  }),
  ciliumnetworkpolicies: rt({
    group: "cilium.io",
    version: "v2",
    resource: "ciliumnetworkpolicies",
    singularName: "ciliumnetworkpolicy",
    kind: "CiliumNetworkPolicy",
    namespaced: true,
    shortNames: ["cnp", "ciliumnp"],
    categories: ["cilium", "ciliumpolicy"],
    verbs: RW,
    subresources: STATUS,
  }),
} as const satisfies Record<string, ResourceType>;

/** Every served type, in discovery order. */
export const ALL_RESOURCES: readonly ResourceType[] = Object.values(RESOURCES);

/** The served type for a URL's group/version/resource, or undefined (→ 404). */
export function findResource(group: string, version: string, resource: string): ResourceType | undefined {
  return ALL_RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** Key under which the store keeps a type's objects. */
export function storageKey(r: ResourceType): string {
  return `${r.group}/${r.resource}`;
}
