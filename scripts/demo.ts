/**
 * `npm run demo`: start the built-in simulated cluster and the dashboard wired to it through the
 * kubeconfig the simulator writes — the same code path as a real cluster.
 *
 *   npm run demo [-- --nodes 5 --qps 20 --prod --dns-port 53 --versions 1.13.1,1.12.2,1.11.3,1.10.0,1.7.0]
 *   PORT=3000 (default)
 */
import { parseArgs } from "node:util";
import { startSimCluster } from "../sim/cluster";
import { parseCorednsVersions } from "../sim/runtime";
import { startNextServer } from "./next-server";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: "string", default: "5" },
      qps: { type: "string", default: "20" },
      prod: { type: "boolean", default: false },
      "dns-port": { type: "string" },
      versions: { type: "string" },
      base: { type: "string", default: "1" },
    },
  });
  const port = Number(process.env.PORT ?? 3000);
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const cluster = await startSimCluster({
    nodes: Number(values.nodes),
    qps: Number(values.qps),
    addressBase: Number(values.base),
    // Port 53 needs root; otherwise each pod gets an ephemeral port (cluster.json says which).
    dnsPort: values["dns-port"] !== undefined ? Number(values["dns-port"]) : isRoot ? 53 : 0,
    corednsVersions: parseCorednsVersions(values.versions),
  });
  console.log(`simulated cluster: ${values.nodes} nodes, API server ${cluster.apiUrl}`);
  console.log(
    `  kubeconfig:  ${cluster.kubeconfigPath}   (try: kubectl --kubeconfig ${cluster.kubeconfigPath} get pods -n kube-system -o wide)`,
  );
  console.log(`  description: ${cluster.descriptionPath}`);

  const server = await startNextServer({
    mode: values.prod ? "prod" : "dev",
    port,
    hostname: process.env.HOSTNAME_BIND ?? "127.0.0.1",
    env: {
      KUBECONFIG: cluster.kubeconfigPath,
      DASHBOARD_SCRAPE_INTERVAL_MS: process.env.DASHBOARD_SCRAPE_INTERVAL_MS ?? "2000",
    },
    inheritOutput: true,
  });
  console.log(
    `\nNodeLocal DNS Dashboard: http://localhost:${port}  (Ctrl-C stops the dashboard and the cluster)`,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    await cluster.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  server.process.once("exit", () => void stop());
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
