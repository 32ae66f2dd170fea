import "server-only";
import { KubeConfig } from "@kubernetes/client-node";
import { DashboardError } from "@/lib/errors";

/**
 * Load cluster credentials the way kubectl does: `KUBECONFIG` (a list of files, merged), else
 * `~/.kube/config`, else the in-cluster service account. `context` picks a context like `--context`.
 */
export function loadKubeConfig(context: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (err) {
    throw new DashboardError(
      500,
      `cannot read the kubeconfig: ${(err as Error).message}. Set KUBECONFIG to a readable file or run in-cluster.`,
    );
  }
  if (kc.getContexts().length === 0 && !kc.getCurrentCluster()) {
    throw new DashboardError(
      500,
      "no cluster configured: set KUBECONFIG, create ~/.kube/config, or run the dashboard in a pod with a service account",
    );
  }
  if (context) {
    if (!kc.getContextObject(context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new DashboardError(
        400,
        `kubeconfig has no context "${context}" (it has: ${known.join(", ") || "none"})`,
      );
    }
    kc.setCurrentContext(context);
  }
  return kc;
}

/** Where the API server is, for messages ("cannot reach https://10.0.0.1:6443"). */
export function apiServerUrl(kc: KubeConfig): string {
  return kc.getCurrentCluster()?.server ?? "(no server in kubeconfig)";
}
