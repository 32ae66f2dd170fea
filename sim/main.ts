/**
 * `npx tsx sim/main.ts --nodes 5 [--base 1] [--api-port 6443] [--dns-port 53] [--metrics-port 9253]
 *  [--qps 20] [--versions 1.13.1,1.12.2,1.11.3,1.10.0,1.7.0] [--scheduler-delay-ms 0] [--out .sim]`
 *  [--qps 20] [--versions 1.13.1,1.12.2,1.11.3,1.10.0,1.7.0] [--mode iptables|cilium-lrp] [--out .sim]`
 * Runs the simulated cluster until SIGINT/SIGTERM; prints the kubeconfig and description paths.
 */
import { parseArgs } from "node:util";
import { parseCorednsVersions } from "./runtime";
import { startSimCluster } from "./cluster";
import { parseSimMode } from "./objects/cilium";

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a whole number, got "${value}"`);
  return Number(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: "string", default: "3" },
      base: { type: "string" },
      "api-port": { type: "string" },
      "dns-port": { type: "string" },
      "metrics-port": { type: "string" },
      qps: { type: "string" },
      versions: { type: "string" },
      // How long each new pod waits for the scheduler (Pending, PodScheduled=False) before it is bound.
      "scheduler-delay-ms": { type: "string" },
      mode: { type: "string" },
      out: { type: "string" },
    },
  });
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const cluster = await startSimCluster({
    nodes: int("nodes", values.nodes, 3),
    addressBase: int("base", values.base, 1),
    apiPort: int("api-port", values["api-port"], 6443),
    // Port 53 needs root; otherwise every listener gets an ephemeral port (cluster.json says which).
    dnsPort: int("dns-port", values["dns-port"], isRoot ? 53 : 0),
    metricsPort: int("metrics-port", values["metrics-port"], 9253),
    qps: int("qps", values.qps, 0),
    corednsVersions: parseCorednsVersions(values.versions),
    mode: parseSimMode(values.mode),
    outDir: values.out,
    timing: { schedulerDelayMs: int("scheduler-delay-ms", values["scheduler-delay-ms"], 0) },
  });
  console.log(
    `simulated cluster: ${cluster.description.nodes.length} nodes (${parseSimMode(values.mode)}), API server ${cluster.apiUrl}`,
  );
  console.log(`kubeconfig:  ${cluster.kubeconfigPath}`);
  console.log(`description: ${cluster.descriptionPath}`);
  console.log(`try: kubectl --kubeconfig ${cluster.kubeconfigPath} get pods -n kube-system -o wide`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the simulated cluster`);
    cluster.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`stop failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(`sim failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
