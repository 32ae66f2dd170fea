/**
 * `npm run demo`: start the built-in simulated cluster and the dashboard wired to it through the
 * kubeconfig the simulator writes — the same code path as a real cluster.
 *
 *   npm run demo [-- --nodes 5 --qps 20 --versions 1.13.1,1.12.2,1.11.3,1.10.0,1.7.0 --mode cilium-lrp --base 1 --dns-port 53 --port 3000 --prod --prometheus]
 *
 * The cluster takes the loopback range 127.<base>–127.<base+3>; without --base the first free one from
 * 127.1 is used, and without --port (or PORT) the first free port from 3000. A range or port given
 * explicitly that is taken is an error that names a free one to pass instead. --prod serves the
 * production build (building it first when there is none). --prometheus also starts Debian's
 * `prometheus` (installed as root when absent) scraping the simulated pods, and the dashboard reads
 * its numbers from it (DASHBOARD_METRICS_SOURCE=prometheus); PROMETHEUS_PORT=9090 (default).
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { startSimCluster } from "../sim/cluster";
import { parseSimMode } from "../sim/objects/cilium";
import { parseCorednsVersions } from "../sim/runtime";
import { firstFreeBase, freePortNear, rangeConflict, tcpFree } from "./demo-ports";
import { ensureEngineInstalled, startMetricsEngine, type MetricsEngine } from "./metrics-engine";
import { buildIfMissing, startNextServer } from "./next-server";

const USAGE = `usage: npm run demo -- [options]
  --nodes N         simulated nodes (default 5)
  --qps N           DNS queries per second per node, from simulated pods (default 20; 0 = none)
  --versions LIST   CoreDNS version per node, cycled: 1.13.1,1.12.2,1.11.3,1.10.0,1.7.0 (default 1.11.3)
  --mode MODE       iptables (the upstream manifest, default) or cilium-lrp (seed 003: pods off the host
                    network, bind-all Corefile, a CiliumLocalRedirectPolicy and a kube-dns-only network policy)
  --base N          loopback range 127.N–127.N+3 for the cluster (default: the first free from 1)
  --dns-port N      DNS port of every simulated listener (default 53 as root, else ephemeral)
  --port N          the dashboard's port on 127.0.0.1 (default PORT, else the first free from 3000)
  --prod            the production build (next build runs first when there is none) instead of next dev
  --prometheus      also run Debian's prometheus scraping the pods; the dashboard reads from it`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: "string", default: "5" },
      qps: { type: "string", default: "20" },
      prod: { type: "boolean", default: false },
      "dns-port": { type: "string" },
      versions: { type: "string" },
      mode: { type: "string" },
      base: { type: "string" },
      port: { type: "string" },
      prometheus: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const hostname = process.env.HOSTNAME_BIND ?? "127.0.0.1";
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const nodes = Number(values.nodes);
  const mode = parseSimMode(values.mode);
  // Port 53 needs root; otherwise each pod gets an ephemeral port (cluster.json says which).
  const dnsPort = values["dns-port"] !== undefined ? Number(values["dns-port"]) : isRoot ? 53 : 0;
  const needs = { nodes, dnsPort, metricsPort: 9253, apiPort: 6443 };

  let base: number;
  if (values.base !== undefined) {
    base = Number(values.base);
    const taken = await rangeConflict(base, needs);
    if (taken) {
      const free = await firstFreeBase(1, needs);
      throw new Error(
        `127.${base}–127.${base + 3} is in use (${taken} is taken: another demo or test run?)` +
          (free !== null ? `: pass --base ${free}, which is free now` : ": no free range found"),
      );
    }
  } else {
    const free = await firstFreeBase(1, needs);
    if (free === null)
      throw new Error("no free loopback range 127.N–127.N+3 found for the simulated cluster");
    if (free !== 1)
      console.log(
        `127.1–127.4 is in use: the simulated cluster takes 127.${free}–127.${free + 3} (--base ${free})`,
      );
    base = free;
  }

  const asked = values.port ?? process.env.PORT;
  let port: number;
  if (asked !== undefined) {
    port = Number(asked);
    if (!(await tcpFree(hostname, port))) {
      throw new Error(
        `port ${port} on ${hostname} is in use: pass --port ${await freePortNear(hostname, port + 1)}, which is free now`,
      );
    }
  } else {
    port = await freePortNear(hostname, 3000);
    if (port !== 3000) console.log(`port 3000 is in use: the dashboard takes ${port} (--port ${port})`);
  }

  // Before the cluster: a first build takes minutes.
  if (values.prod) await buildIfMissing();

  const cluster = await startSimCluster({
    nodes,
    qps: Number(values.qps),
    addressBase: base,
    dnsPort,
    // .sim/kubeconfig for the usual range; another range (a second demo) writes beside it.
    ...(base === 1 ? {} : { outDir: `.sim/demo-${base}` }),
    corednsVersions: parseCorednsVersions(values.versions),
    mode,
  });
  console.log(
    `simulated cluster: ${nodes} nodes (${mode}) on 127.${base}–127.${base + 3}, API server ${cluster.apiUrl}`,
  );
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
      dataDir: path.resolve(__dirname, `../.sim/demo-prometheus-${base}`),
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
      hostname,
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
  console.log(`\nNodeLocal DNS Dashboard: ${server.url}  (Ctrl-C stops the dashboard and the cluster)`);

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
