/**
 * Start a real metrics engine — Debian's `prometheus` or `victoria-metrics` — scraping the simulated
 * cluster's node-local-dns pods (static targets from its cluster.json), and wait until it answers.
 * Used by `npm run demo -- --prometheus` and by the integration tests of the `prometheus` source.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { stringify } from "yaml";

export type EngineKind = "prometheus" | "victoria-metrics";

const BINARIES: Record<EngineKind, string> = {
  prometheus: "/usr/bin/prometheus",
  "victoria-metrics": "/usr/bin/victoria-metrics",
};

/** One scrape target: its address and the target labels relabelling would have added. */
export interface EngineTarget {
  address: string;
  labels?: Record<string, string>;
}

export interface EngineOptions {
  kind: EngineKind;
  port: number;
  dataDir: string;
  targets: EngineTarget[];
  scrapeIntervalSeconds?: number;
  /** The scrape job's name; the dashboard's default selector matches `.*node-local-dns.*`. */
  job?: string;
  inheritOutput?: boolean;
}

export interface MetricsEngine {
  kind: EngineKind;
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Is the engine's binary here? As root, installs its Debian package when it is not. */
export function ensureEngineInstalled(kind: EngineKind): boolean {
  if (fs.existsSync(BINARIES[kind])) return true;
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", kind], { stdio: "inherit", env });
  return fs.existsSync(BINARIES[kind]);
}

/** The scrape config both engines read (VictoriaMetrics takes Prometheus's format with -promscrape.config). */
export function scrapeConfig(opts: Pick<EngineOptions, "targets" | "scrapeIntervalSeconds" | "job">): string {
  const interval = `${opts.scrapeIntervalSeconds ?? 1}s`;
  return stringify({
    global: { scrape_interval: interval, scrape_timeout: interval },
    scrape_configs: [
      {
        job_name: opts.job ?? "node-local-dns",
        static_configs: opts.targets.map((t) => ({ targets: [t.address], labels: t.labels ?? {} })),
      },
    ],
  });
}

export async function startMetricsEngine(opts: EngineOptions): Promise<MetricsEngine> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const configFile = path.join(opts.dataDir, "scrape.yml");
  fs.writeFileSync(configFile, scrapeConfig(opts));
  const listen = `127.0.0.1:${opts.port}`;
  const args =
    opts.kind === "prometheus"
      ? [
          `--config.file=${configFile}`,
          `--storage.tsdb.path=${path.join(opts.dataDir, "tsdb")}`,
          `--web.listen-address=${listen}`,
          "--storage.tsdb.retention.time=2h",
        ]
      : [
          `-promscrape.config=${configFile}`,
          `-storageDataPath=${path.join(opts.dataDir, "vm")}`,
          `-httpListenAddr=${listen}`,
          "-retentionPeriod=1d",
          // By default VictoriaMetrics hides the newest 30 s from queries; the comparison wants them.
          "-search.latencyOffset=0s",
        ];
  const child = spawn(BINARIES[opts.kind], args, {
    cwd: opts.dataDir,
    stdio: ["ignore", opts.inheritOutput ? "inherit" : "pipe", opts.inheritOutput ? "inherit" : "pipe"],
  });
  let output = "";
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `http://${listen}`;
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`${opts.kind} exited with code ${code}:\n${output}`))),
  );
  exited.catch(() => undefined);
  const ready = opts.kind === "prometheus" ? `${url}/-/ready` : `${url}/health`;
  await Promise.race([waitForOk(ready, 60_000), exited]);
  return {
    kind: opts.kind,
    url,
    process: child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

async function waitForOk(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${last}`);
}
