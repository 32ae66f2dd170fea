/**
 * A simulated cluster plus the production dashboard server wired to it through the kubeconfig the
 * simulator wrote — what `npm run demo -- --prod` runs, on its own loopback range and ports.
 *
 * The dashboard runs as its own ServiceAccount (kubeconfig context `dashboard`) under exactly the RBAC
 * objects in deploy/: any call the app makes that deploy/'s Role does not allow fails the browser suite.
 */
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import type { SimMode } from "../../sim/objects/cilium";
import type { KubeObject } from "../../sim/k8s/types";
import { startNextServer, type NextServer } from "../../scripts/next-server";
import { deployRbacObjects } from "./deploy-rbac";
import { freePort } from "./ports";

export interface DemoEnv {
  cluster: SimCluster;
  server: NextServer;
  url: string;
  stop(): Promise<void>;
}

export async function startDemoEnv(opts: {
  addressBase: number;
  nodes?: number;
  qps?: number;
  env?: Record<string, string>;
  /** `cilium-lrp`: seed 003's layout, as `npm run demo -- --mode cilium-lrp`. */
  mode?: SimMode;
  /** Objects beyond deploy/'s base RBAC, e.g. deploy/cilium's optional rules. */
  extraObjects?: KubeObject[];
}): Promise<DemoEnv> {
  const cluster = await startSimCluster({
    nodes: opts.nodes ?? 5,
    addressBase: opts.addressBase,
    qps: opts.qps ?? 10,
    apiPort: 0,
    dnsPort: 0,
    outDir: `.sim/test-${opts.addressBase}`,
    extraObjects: [...deployRbacObjects(), ...(opts.extraObjects ?? [])],
    ...(opts.mode ? { mode: opts.mode } : {}),
  });
  let server: NextServer;
  try {
    server = await startNextServer({
      mode: "prod",
      port: await freePort(),
      env: {
        KUBECONFIG: cluster.kubeconfigPath,
        DASHBOARD_CONTEXT: "dashboard",
        DASHBOARD_SCRAPE_INTERVAL_MS: "1000",
        ...opts.env,
      },
    });
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return {
    cluster,
    server,
    url: server.url,
    stop: async () => {
      await server.stop();
      await cluster.stop();
    },
  };
}
