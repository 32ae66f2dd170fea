/**
 * RBAC for the simulated cluster's users: `admin` (group system:masters, like a kubeadm admin.conf)
 * and `viewer`, bound to a `view` ClusterRole like Kubernetes' built-in one (read most things,
 * including pods/log; no pods/proxy, pods/portforward or writes).
 */
import type { KubeObject } from "../k8s/types";

const RBAC = "rbac.authorization.k8s.io/v1";
const BOOTSTRAP_LABELS = { "kubernetes.io/bootstrapping": "rbac-defaults" };

export const VIEWER_USER = "viewer";

function clusterRole(name: string, rules: Record<string, unknown>[], labels: Record<string, string> = BOOTSTRAP_LABELS): KubeObject {
  return { apiVersion: RBAC, kind: "ClusterRole", metadata: { name, labels, annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" } }, rules };
}

function clusterRoleBinding(name: string, role: string, subject: { kind: "User" | "Group"; name: string }): KubeObject {
  return {
    apiVersion: RBAC,
    kind: "ClusterRoleBinding",
    metadata: { name, labels: BOOTSTRAP_LABELS },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", ...subject }],
  };
}

const READ = ["get", "list", "watch"];

export function rbacObjects(): KubeObject[] {
  return [
    clusterRole("cluster-admin", [
      { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
      { nonResourceURLs: ["*"], verbs: ["*"] },
    ]),
    clusterRole("view", [
      {
        apiGroups: [""],
        resources: ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"],
        verbs: READ,
      },
      { apiGroups: [""], resources: ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"], verbs: READ },
      { apiGroups: [""], resources: ["namespaces"], verbs: READ },
      { apiGroups: ["apps"], resources: ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"], verbs: READ },
      { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: READ },
    ], { ...BOOTSTRAP_LABELS, "rbac.authorization.k8s.io/aggregate-to-edit": "true" }),
    // Nodes are cluster-scoped and not in the built-in `view`; the viewer context is meant to show the
    // dashboard's read-only experience, which needs the node list.
    clusterRole("sim-node-reader", [{ apiGroups: [""], resources: ["nodes"], verbs: READ }], { "app.kubernetes.io/part-of": "nodelocaldns-sim" }),
    clusterRoleBinding("cluster-admin", "cluster-admin", { kind: "Group", name: "system:masters" }),
    clusterRoleBinding("sim-viewer", "view", { kind: "User", name: VIEWER_USER }),
    clusterRoleBinding("sim-viewer-nodes", "sim-node-reader", { kind: "User", name: VIEWER_USER }),
  ];
}
