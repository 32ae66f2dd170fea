/**
 * Start the simulated cluster in a child process, so what a benchmark measures in its own process is
 * the dashboard's work only, not the simulated pods'.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { SimClusterDescription } from "../sim/cluster";

export interface SimProcess {
  description: SimClusterDescription;
  kubeconfigPath: string;
  /** The simulated cluster's process, for reading its own CPU. */
  pid: number | undefined;
  stop(): Promise<void>;
}

const root = path.resolve(__dirname, "..");

/**
 * Simulated queries per second per node for the benches that scrape (BENCH_QPS, default 1). Use 0 at
 * thousands of nodes: 5,000 queries/s of simulated traffic take most of a core.
 */
export const BENCH_QPS = Number(process.env.BENCH_QPS ?? 1);

export async function startSimProcess(opts: {
  nodes: number;
  base: number;
  qps?: number;
}): Promise<SimProcess> {
  const out = path.join(root, ".sim", `bench-${opts.base}`);
  const child: ChildProcess = spawn(
    process.execPath,
    [
      path.join(root, "node_modules", "tsx", "dist", "cli.mjs"),
      path.join(root, "sim", "main.ts"),
      "--nodes",
      String(opts.nodes),
      "--base",
      String(opts.base),
      "--api-port",
      "0",
      "--dns-port",
      "0",
      "--qps",
      String(opts.qps ?? 0),
      "--out",
      out,
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(
      () => reject(new Error(`simulated cluster did not start within 10 min:\n${output.slice(-2000)}`)),
      600_000,
    );
    child.once("exit", (code) =>
      reject(new Error(`simulated cluster exited (${code}):\n${output.slice(-2000)}`)),
    );
    const poll = setInterval(() => {
      if (/description:/.test(output)) {
        clearInterval(poll);
        clearTimeout(deadline);
        resolve();
      }
    }, 200);
  });
  const descriptionPath = /description:\s+(\S+)/.exec(output)?.[1] as string;
  const description = JSON.parse(fs.readFileSync(descriptionPath, "utf8")) as SimClusterDescription;
  return {
    description,
    kubeconfigPath: description.kubeconfig,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
      }),
  };
}
