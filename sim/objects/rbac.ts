/**
 * RBAC for the simulated cluster's users: `admin` is in group system:masters (like a kubeadm
 * admin.conf) and needs nothing here; `viewer` is bound to the built-in `view` ClusterRole (read most
 * things, including pods/log; no pods/proxy, pods/portforward or writes).
 */
import type { KubeObject } from "../k8s/types";

const RBAC = "rbac.authorization.k8s.io/v1";
const SIM_LABELS = { "app.kubernetes.io/part-of": "nodelocaldns-sim" };

export const VIEWER_USER = "viewer";

function clusterRole(name: string, rules: Record<string, unknown>[]): KubeObject {
  return { apiVersion: RBAC, kind: "ClusterRole", metadata: { name, labels: SIM_LABELS }, rules };
}

function clusterRoleBinding(
  name: string,
  role: string,
  subject: { kind: "User" | "Group"; name: string },
): KubeObject {
  return {
    apiVersion: RBAC,
    kind: "ClusterRoleBinding",
    metadata: { name, labels: SIM_LABELS },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", ...subject }],
  };
}

const READ = ["get", "list", "watch"];

/**
 * The simulation's own RBAC on top of the API server's bootstrap policy (sim/k8s/rbac-bootstrap.ts
 * has cluster-admin for system:masters and the `view` role): the viewer's bindings.
 */
export function rbacObjects(): KubeObject[] {
  return [
    // Nodes are cluster-scoped and not in the built-in `view`; the viewer context is meant to show the
    // dashboard's read-only experience, which needs the node list.
    clusterRole("sim-node-reader", [{ apiGroups: [""], resources: ["nodes"], verbs: READ }]),
    clusterRoleBinding("sim-viewer", "view", { kind: "User", name: VIEWER_USER }),
    clusterRoleBinding("sim-viewer-nodes", "sim-node-reader", { kind: "User", name: VIEWER_USER }),
  ];
}
