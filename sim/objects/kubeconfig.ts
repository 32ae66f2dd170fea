/**
 * The kubeconfig the simulated cluster writes: context `sim` (user admin, group system:masters) is
 * the default, `sim-viewer` uses the read-only `viewer`. Bearer tokens are random per start.
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
}

export function newTokens(): SimTokens {
  return { admin: crypto.randomBytes(24).toString("hex"), viewer: crypto.randomBytes(24).toString("hex") };
}

/** The token table the API server authenticates against. */
export function tokenTable(tokens: SimTokens): Record<string, SimUser> {
  return {
    [tokens.admin]: { name: "admin", groups: ["system:masters", "system:authenticated"] },
    [tokens.viewer]: { name: VIEWER_USER, groups: ["system:authenticated"] },
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
    ],
    contexts: [
      { name: "sim", context: { cluster: "sim", user: "admin" } },
      { name: "sim-viewer", context: { cluster: "sim", user: VIEWER_USER } },
    ],
    "current-context": "sim",
  });
}
