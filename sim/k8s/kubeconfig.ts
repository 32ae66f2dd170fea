/**
 * Kubeconfig documents for the simulated API server, for the dashboard (client-node) and kubectl.
 */
import YAML from "yaml";

export interface KubeconfigOptions {
  /** `server.httpsUrl` for kubectl (it sends tokens only over TLS); `server.url` works for client-node. */
  server: string;
  /** PEM of the serving certificate (`server.caCert`); required with an https server. */
  caCert?: string;
  token: string;
  user?: string;
  cluster?: string;
  context?: string;
  namespace?: string;
}

/** A one-context kubeconfig as YAML text. */
export function kubeconfigYaml(o: KubeconfigOptions): string {
  const clusterName = o.cluster ?? "sim";
  const userName = o.user ?? "sim-user";
  const contextName = o.context ?? clusterName;
  const cluster: Record<string, string> = { server: o.server };
  if (o.caCert) cluster["certificate-authority-data"] = Buffer.from(o.caCert).toString("base64");
  const context: Record<string, string> = { cluster: clusterName, user: userName };
  if (o.namespace) context.namespace = o.namespace;
  return YAML.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster }],
    users: [{ name: userName, user: { token: o.token } }],
    contexts: [{ name: contextName, context }],
    "current-context": contextName,
    preferences: {},
  });
}
