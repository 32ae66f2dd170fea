/**
 * The kubeconfig the simulated cluster writes: context `sim` (user admin, group system:masters) is
 * the default, `sim-viewer` uses the read-only `viewer`, `dashboard` the dashboard's ServiceAccount.
 * Bearer tokens are random per start.
 */
import crypto from "node:crypto";
import { stringify } from "yaml";
import { VIEWER_USER } from "./rbac";

/** A user the API server knows by token. */
export interface SimUser {
  name: string;
  groups: string[];
}

export interface SimTokens {
  admin: string;
  viewer: string;
  /** The dashboard's own ServiceAccount (kube-system/nodelocal-dns-dashboard), as deploy/ creates it. */
  dashboard: string;
}

/** The ServiceAccount deploy/ runs the dashboard as; what it may do is whatever RBAC objects the store holds. */
export const DASHBOARD_SERVICE_ACCOUNT = { namespace: "kube-system", name: "nodelocal-dns-dashboard" };

export function newTokens(): SimTokens {
  const token = () => crypto.randomBytes(24).toString("hex");
  return { admin: token(), viewer: token(), dashboard: token() };
}

/** The token table the API server authenticates against. */
export function tokenTable(tokens: SimTokens): Record<string, SimUser> {
  return {
    [tokens.admin]: { name: "admin", groups: ["system:masters", "system:authenticated"] },
    [tokens.viewer]: { name: VIEWER_USER, groups: ["system:authenticated"] },
    [tokens.dashboard]: {
      name: `system:serviceaccount:${DASHBOARD_SERVICE_ACCOUNT.namespace}:${DASHBOARD_SERVICE_ACCOUNT.name}`,
      groups: [
        "system:serviceaccounts",
        `system:serviceaccounts:${DASHBOARD_SERVICE_ACCOUNT.namespace}`,
        "system:authenticated",
      ],
    },
  };
}

/** `caPem`: the API server's self-signed certificate, trusted as the cluster's CA. */
export function kubeconfigYaml(apiUrl: string, tokens: SimTokens, caPem: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    clusters: [
      {
        name: "sim",
        cluster: { server: apiUrl, "certificate-authority-data": Buffer.from(caPem).toString("base64") },
      },
    ],
    users: [
      { name: "admin", user: { token: tokens.admin } },
      { name: VIEWER_USER, user: { token: tokens.viewer } },
      { name: DASHBOARD_SERVICE_ACCOUNT.name, user: { token: tokens.dashboard } },
    ],
    contexts: [
      { name: "sim", context: { cluster: "sim", user: "admin" } },
      { name: "sim-viewer", context: { cluster: "sim", user: VIEWER_USER } },
      // The dashboard's ServiceAccount: it can do only what the RBAC objects in the cluster allow
      // (the tests load deploy/'s Role and ClusterRoles, so the app runs under exactly those rules).
      { name: "dashboard", context: { cluster: "sim", user: DASHBOARD_SERVICE_ACCOUNT.name } },
    ],
    "current-context": "sim",
  });
}
