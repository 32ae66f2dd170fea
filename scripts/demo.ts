/**
 * `npm run demo`: start the built-in simulated cluster and the dashboard wired to it through the
 * kubeconfig the simulator writes — the same code path as a real cluster.
 *
 *   npm run demo [-- --nodes 5 --qps 20 --prod --dns-port 53 --versions 1.13.1,1.12.2,1.11.3,1.10.0,1.7.0 --prometheus]
 *   PORT=3000 (default)
 *
 * `--prometheus` also starts Debian's `prometheus` (installed as root when absent) scraping the simulated
 * pods, and the dashboard reads its numbers from it (DASHBOARD_METRICS_SOURCE=prometheus).
 * PROMETHEUS_PORT=9090 (default).
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { startSimCluster } from "../sim/cluster";
import { parseCorednsVersions } from "../sim/runtime";
import { ensureEngineInstalled, startMetricsEngine, type MetricsEngine } from "./metrics-engine";
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
      prometheus: { type: "boolean", default: false },
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

  const scrapeMs = process.env.DASHBOARD_SCRAPE_INTERVAL_MS ?? "2000";
  let engine: MetricsEngine | null = null;
  if (values.prometheus) {
    if (!ensureEngineInstalled("prometheus")) {
      await cluster.stop();
      throw new Error("Debian's prometheus is not installed: run `sudo apt-get install -y prometheus`");
    }
    const promPort = Number(process.env.PROMETHEUS_PORT ?? 9090);
    engine = await startMetricsEngine({
      kind: "prometheus",
      port: promPort,
      dataDir: path.resolve(__dirname, "../.sim/demo-prometheus"),
      scrapeIntervalSeconds: 2,
      // The `node` label, as the PodMonitor's relabelling adds it (static targets: pods are replaced, nodes stay).
      targets: cluster.description.nodes.map((n) => ({
        address: new URL(n.metrics).host,
        labels: { node: n.name },
      })),
    });
    console.log(`  prometheus:  ${engine.url} scraping ${cluster.description.nodes.length} pods every 2 s`);
  }

  let server: Awaited<ReturnType<typeof startNextServer>>;
  try {
    server = await startNextServer({
      mode: values.prod ? "prod" : "dev",
      port,
      hostname: process.env.HOSTNAME_BIND ?? "127.0.0.1",
      env: {
        KUBECONFIG: cluster.kubeconfigPath,
        DASHBOARD_SCRAPE_INTERVAL_MS: scrapeMs,
        ...(engine
          ? {
              DASHBOARD_METRICS_SOURCE: "prometheus",
              DASHBOARD_PROMETHEUS_URL: engine.url,
              // Four scrapes of the demo's Prometheus.
              DASHBOARD_PROMETHEUS_RATE_WINDOW: process.env.DASHBOARD_PROMETHEUS_RATE_WINDOW ?? "8s",
            }
          : {}),
      },
      inheritOutput: true,
    });
  } catch (err) {
    await engine?.stop();
    await cluster.stop();
    throw err;
  }
  console.log(
    `\nNodeLocal DNS Dashboard: http://localhost:${port}  (Ctrl-C stops the dashboard and the cluster)`,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    await engine?.stop();
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
