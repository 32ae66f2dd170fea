/**
 * How a flood of log-stream clients affects everyone else (issue 10): the production server beside a
 * simulated cluster with query logging on, `/healthz` and `/api/nodes` latency with no stream open,
 * then with N streams open and read. Figures, not assertions; the no-stream figure is the reference.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { parseCorefile, printCorefile, setLog } from "../lib/corefile";
import { startSimCluster } from "../sim/cluster";
import net from "node:net";
import { buildIfMissing, startNextServer } from "../scripts/next-server";
import type { BenchResult } from "./parse";

async function logEverywhere(kubeconfig: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const cm = await core.readNamespacedConfigMap({ name: "node-local-dns", namespace: "kube-system" });
  let doc = parseCorefile(cm.data?.Corefile ?? "", { checkDirectives: false });
  for (let i = 0; i < doc.blocks.length; i++) doc = setLog(doc, i, true);
  await core.replaceNamespacedConfigMap({
    name: "node-local-dns",
    namespace: "kube-system",
    body: { ...cm, data: { ...cm.data, Corefile: printCorefile(doc) } },
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

/** Median and worst of `n` sequential GETs, in ms. */
async function latency(url: string, n: number): Promise<{ median: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    await res.arrayBuffer();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] ?? NaN, max: times.at(-1) ?? NaN };
}

export async function benchSseHealth(
  streams = Number(process.env.BENCH_SSE_STREAMS ?? 500),
): Promise<BenchResult[]> {
  const root = path.resolve(__dirname, "..");
  await buildIfMissing();
  const cluster = await startSimCluster({
    nodes: 3,
    addressBase: 200,
    qps: 50,
    apiPort: 0,
    dnsPort: 0,
    outDir: path.join(root, ".sim/bench-sse"),
  });
  const server = await startNextServer({
    mode: "prod",
    port: await freePort(),
    env: {
      KUBECONFIG: cluster.kubeconfigPath,
      DASHBOARD_SCRAPE_INTERVAL_MS: "2000",
      DASHBOARD_LOG_STREAMS_MAX: String(streams + 10),
      DASHBOARD_LOG_STREAMS_PER_USER: String(streams + 10),
    },
  }).catch(async (err: unknown) => {
    await cluster.stop();
    throw err;
  });
  const ac = new AbortController();
  try {
    await logEverywhere(cluster.kubeconfigPath);
    await fetch(`${server.url}/api/nodes`);
    const idleHealth = await latency(`${server.url}/healthz`, 30);
    const idleNodes = await latency(`${server.url}/api/nodes`, 10);
    let lines = 0;
    for (let i = 0; i < streams; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, streams - i) }, () =>
          fetch(`${server.url}/api/logs/stream`, { signal: ac.signal }),
        ),
      );
      for (const r of batch) {
        void r.body
          ?.pipeTo(
            new WritableStream({
              write(chunk: Uint8Array) {
                for (const b of chunk) if (b === 10) lines++;
              },
            }),
          )
          .catch(() => undefined);
      }
    }
    const busyHealth = await latency(`${server.url}/healthz`, 30);
    const busyNodes = await latency(`${server.url}/api/nodes`, 10);
    const note = `${streams} streams open and read, query logging on, 3 nodes × 50 qps; ${lines} SSE lines received meanwhile`;
    return [
      {
        name: `/healthz median with ${streams} log streams`,
        value: Number(busyHealth.median.toFixed(1)),
        unit: "ms",
        reference: { name: "with none", value: Number(idleHealth.median.toFixed(1)) },
        note: `${note}; worst ${busyHealth.max.toFixed(0)} ms (none: ${idleHealth.max.toFixed(0)} ms)`,
      },
      {
        name: `/api/nodes median with ${streams} log streams`,
        value: Number(busyNodes.median.toFixed(1)),
        unit: "ms",
        reference: { name: "with none", value: Number(idleNodes.median.toFixed(1)) },
        note: `worst ${busyNodes.max.toFixed(0)} ms (none: ${idleNodes.max.toFixed(0)} ms)`,
      },
    ];
  } finally {
    ac.abort();
    await server.stop();
    await cluster.stop();
  }
}
