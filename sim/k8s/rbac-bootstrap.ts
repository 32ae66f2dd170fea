/**
 * The default RBAC policy a v1.32 API server reconciles at start-up (the parts that matter here):
 * cluster-admin for `system:masters`, discovery/health/version and self-access-reviews for every
 * authenticated user, and the `view` role. Without these, kubectl's discovery would be forbidden.
 */
import type { ObjectStore } from "./store";
import { RESOURCES } from "./resources";
import type { PolicyRule } from "./rbac";
import type { KubeObject } from "./types";

const META = {
  labels: { "kubernetes.io/bootstrapping": "rbac-defaults" },
  annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" },
};
const RBAC_V1 = "rbac.authorization.k8s.io/v1";

function clusterRole(name: string, rules: PolicyRule[]): KubeObject {
  return { apiVersion: RBAC_V1, kind: "ClusterRole", metadata: { name, ...structuredClone(META) }, rules };
}

function clusterRoleBinding(name: string, role: string, groups: string[]): KubeObject {
  return {
    apiVersion: RBAC_V1,
    kind: "ClusterRoleBinding",
    metadata: { name, ...structuredClone(META) },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects: groups.map((g) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: g })),
  };
}

const READ = ["get", "list", "watch"];

const ROLES: KubeObject[] = [
  clusterRole("cluster-admin", [
    { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
    { nonResourceURLs: ["*"], verbs: ["*"] },
  ]),
  clusterRole("system:discovery", [
    {
      nonResourceURLs: [
        "/api",
        "/api/*",
        "/apis",
        "/apis/*",
        "/healthz",
        "/livez",
        "/openapi",
        "/openapi/*",
        "/readyz",
        "/version",
        "/version/",
      ],
      verbs: ["get"],
    },
  ]),
  clusterRole("system:public-info-viewer", [
    { nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"], verbs: ["get"] },
  ]),
  clusterRole("system:basic-user", [
    {
      apiGroups: ["authorization.k8s.io"],
      resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
      verbs: ["create"],
    },
    { apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"], verbs: ["create"] },
  ]),
  clusterRole("view", [
    {
      apiGroups: [""],
      resources: [
        "configmaps",
        "endpoints",
        "persistentvolumeclaims",
        "pods",
        "replicationcontrollers",
        "services",
        "serviceaccounts",
        "events",
        "namespaces",
        "pods/log",
        "pods/status",
      ],
      verbs: READ,
    },
    {
      apiGroups: ["apps"],
      resources: [
        "controllerrevisions",
        "daemonsets",
        "daemonsets/status",
        "deployments",
        "replicasets",
        "statefulsets",
      ],
      verbs: READ,
    },
  ]),
];

const BINDINGS: KubeObject[] = [
  clusterRoleBinding("cluster-admin", "cluster-admin", ["system:masters"]),
  clusterRoleBinding("system:discovery", "system:discovery", ["system:authenticated"]),
  clusterRoleBinding("system:public-info-viewer", "system:public-info-viewer", [
    "system:authenticated",
    "system:unauthenticated",
  ]),
  clusterRoleBinding("system:basic-user", "system:basic-user", ["system:authenticated"]),
];

/** Creates the default roles and bindings that are missing; existing ones are left as they are. */
export function ensureBootstrapPolicy(store: ObjectStore): void {
  for (const r of ROLES)
    if (!store.get(RESOURCES.clusterroles, undefined, r.metadata.name))
      store.create(RESOURCES.clusterroles, r);
  for (const b of BINDINGS)
    if (!store.get(RESOURCES.clusterrolebindings, undefined, b.metadata.name))
      store.create(RESOURCES.clusterrolebindings, b);
}
