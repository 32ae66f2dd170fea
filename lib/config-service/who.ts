import "server-only";
import type { KubeConfig } from "@kubernetes/client-node";

/**
 * Who a change is recorded as. For now the dashboard acts as the kubeconfig's user, so that is who
 * made it; a later issue adds per-person identity through impersonation, and only this function
 * changes then.
 */
export function actingUser(kc: KubeConfig): string {
  const user = kc.getCurrentUser()?.name;
  const context = kc.getCurrentContext();
  if (user && context && user !== context) return `${user} (context ${context})`;
  return user || context || "unknown";
}
