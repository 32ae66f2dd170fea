import "server-only";
import type { KubeConfig } from "@kubernetes/client-node";
import type { ConfigDeps } from "./deps";

/**
 * Who a change is recorded as: the person the request came from (lib/auth: proxy user, token user, or
 * in local mode the kubeconfig's user), else — for the dashboard's own background work — the
 * kubeconfig's user and context.
 */
export function actingUser(d: Pick<ConfigDeps, "kc" | "actor">): string {
  if (d.actor) return d.actor;
  return kubeconfigUser(d.kc);
}

function kubeconfigUser(kc: KubeConfig): string {
  const user = kc.getCurrentUser()?.name;
  const context = kc.getCurrentContext();
  if (user && context && user !== context) return `${user} (context ${context})`;
  return user || context || "unknown";
}
