/**
 * Start the dashboard's Next.js server as a child process and wait until it answers /healthz.
 * Used by `npm run demo`, `npm start` and by the browser tests (which run the production build).
 *
 * "prod" runs what the container image runs: the standalone server Next.js builds
 * (`.next/standalone/server.js`, next.config.ts has `output: "standalone"`), with `.next/static` and
 * `public` beside it as the Dockerfile lays them out (here as symlinks). `next start` does not serve that
 * build ("next start" does not work with "output: standalone").
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
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
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const standalone = path.join(root, ".next", "standalone");

/** Is there a production build to serve (`npm run build` done)? */
export function hasProductionBuild(): boolean {
  return existsSync(path.join(root, ".next", "BUILD_ID")) && existsSync(path.join(standalone, "server.js"));
}

/** Runs `next build` (output shown) unless a production build exists. Rejects if the build fails. */
export async function buildIfMissing(): Promise<void> {
  if (hasProductionBuild()) return;
  console.log("no production build yet: running `next build` once (`npm run build` rebuilds it later)");
  const child = spawn(process.execPath, [nextBin, "build"], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "inherit",
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0 || !hasProductionBuild()) throw new Error(`next build failed (exit code ${code})`);
}

/** The Dockerfile's layout inside .next/standalone: .next/static and public beside server.js. */
function linkStaticFiles(): void {
  const links: [string, string][] = [
    [path.join(standalone, ".next", "static"), path.join("..", "..", "static")],
    [path.join(standalone, "public"), path.join("..", "..", "public")],
  ];
  for (const [at, target] of links) {
    if (existsSync(at)) continue;
    mkdirSync(path.dirname(at), { recursive: true });
    try {
      symlinkSync(target, at, "dir");
    } catch (err) {
      // Another server started from this build at the same moment made it.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}

export async function startNextServer(opts: NextServerOptions): Promise<NextServer> {
  const hostname = opts.hostname ?? "127.0.0.1";
  if (opts.mode === "prod" && !hasProductionBuild()) {
    throw new Error("no production build: run `npm run build` first");
  }
  const stdio = [
    "ignore",
    opts.inheritOutput ? "inherit" : "pipe",
    opts.inheritOutput ? "inherit" : "pipe",
  ] as const;
  const env = { ...process.env, ...opts.env, NEXT_TELEMETRY_DISABLED: "1" };
  let child: ChildProcess;
  if (opts.mode === "dev") {
    child = spawn(process.execPath, [nextBin, "dev", "--port", String(opts.port), "--hostname", hostname], {
      cwd: root,
      env,
      stdio: [...stdio],
    });
  } else {
    linkStaticFiles();
    // As the image runs it: PORT and HOSTNAME say where to listen.
    child = spawn(process.execPath, [path.join(standalone, "server.js")], {
      cwd: standalone,
      env: { ...env, NODE_ENV: "production", PORT: String(opts.port), HOSTNAME: hostname },
      stdio: [...stdio],
    });
  }
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const url = `http://${hostname}:${opts.port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) =>
      reject(new Error(`the ${opts.mode} server exited with code ${code}:\n${output}`)),
    ),
  );
  try {
    await Promise.race([waitForHealthy(`${url}/healthz`, 180_000), exited]);
  } catch (err) {
    // Never leave a server behind that did not come up.
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    throw err;
  }
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
