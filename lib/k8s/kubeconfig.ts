import "server-only";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
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
  // client-node falls back to http://localhost:8080 when it finds nothing; kubectl says so instead.
  if (
    !process.env.KUBECONFIG &&
    !existsSync(path.join(os.homedir(), ".kube", "config")) &&
    !existsSync(SERVICE_ACCOUNT_TOKEN)
  ) {
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

const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** Where the API server is, for messages ("cannot reach https://10.0.0.1:6443"). */
export function apiServerUrl(kc: KubeConfig): string {
  return kc.getCurrentCluster()?.server ?? "(no server in kubeconfig)";
}

const kcHolder = ((
  globalThis as { __nodelocalDnsKubeConfig?: { kc?: KubeConfig; context?: string } }
).__nodelocalDnsKubeConfig ??= {});

/**
 * The process's one KubeConfig, loaded on first use and never again: everything the dashboard reads
 * and writes — the inventory, the scrapes, the log streams and every person's requests — goes to
 * the cluster it loaded, even if the kubeconfig file changes on disk later (restart the dashboard
 * to follow such a change). Kept on globalThis: Next.js bundles modules per route.
 */
export function processKubeConfig(context: string): KubeConfig {
  if (kcHolder.kc) {
    if (kcHolder.context !== context)
      throw new DashboardError(500, `the kubeconfig was loaded for context "${kcHolder.context}" already`);
    return kcHolder.kc;
  }
  const kc = loadKubeConfig(context);
  kcHolder.kc = kc;
  kcHolder.context = context;
  return kc;
}
