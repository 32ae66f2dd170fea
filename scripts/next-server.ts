/**
 * Start the dashboard's Next.js server as a child process and wait until it answers /healthz.
 * Used by `npm run demo` and by the browser tests (which run the production build).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

export interface NextServerOptions {
  mode: "dev" | "prod";
  port: number;
  /** Loopback by default: the local mode must not be reachable from the network. */
  hostname?: string;
  env: Record<string, string>;
  /** Print the server's output (the demo does; tests keep it for failures). */
  inheritOutput?: boolean;
}

export interface NextServer {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const root = path.resolve(__dirname, "..");

export async function startNextServer(opts: NextServerOptions): Promise<NextServer> {
  const hostname = opts.hostname ?? "127.0.0.1";
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  if (opts.mode === "prod" && !existsSync(path.join(root, ".next", "BUILD_ID"))) {
    throw new Error("no production build: run `npm run build` first");
  }
  const args = [
    nextBin,
    opts.mode === "dev" ? "dev" : "start",
    "--port",
    String(opts.port),
    "--hostname",
    hostname,
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...opts.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", opts.inheritOutput ? "inherit" : "pipe", opts.inheritOutput ? "inherit" : "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const url = `http://${hostname}:${opts.port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`next ${opts.mode} exited with code ${code}:\n${output}`))),
  );
  await Promise.race([waitForHealthy(`${url}/healthz`, 180_000), exited]);
  return {
    url,
    process: child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}

async function waitForHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`dashboard did not become healthy at ${url} within ${timeoutMs} ms: ${lastError}`);
}
