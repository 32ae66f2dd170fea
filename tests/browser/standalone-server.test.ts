/**
 * What the container image runs: the standalone server Next.js builds, laid out as the Dockerfile's
 * last stage lays it out (.next/standalone at the root, .next/static and public beside server.js),
 * started with `node server.js` and only PORT/HOSTNAME/KUBECONFIG — no node_modules of the repo, no
 * `next start`. It must answer its probes, list the cluster's nodes and render the first page.
 * It runs as the dashboard's ServiceAccount (context `dashboard`) under exactly deploy/'s RBAC objects,
 * as in the cluster.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimCluster, type SimCluster } from "../../sim/cluster";
import { launchChromium } from "../support/browser";
import { deployRbacObjects } from "../support/deploy-rbac";
import { freePort, waitFor } from "../support/ports";

const ROOT = path.resolve(__dirname, "../..");
let dir: string;
let cluster: SimCluster;
let server: ChildProcess | undefined;
let output = "";
let url: string;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!fs.existsSync(path.join(ROOT, ".next/standalone/server.js"))) {
    throw new Error(
      "no standalone build: run `npx next build` first (next.config.ts has output: standalone)",
    );
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "nldd-standalone-"));
  // The Dockerfile's COPY lines, in order.
  // (Without the links scripts/next-server.ts adds to .next/standalone for `npm start`: the image has copies.)
  const links = new Set(
    [".next/standalone/.next/static", ".next/standalone/public"].map((p) => path.join(ROOT, p)),
  );
  await fs.promises.cp(path.join(ROOT, ".next/standalone"), dir, {
    recursive: true,
    filter: (src) => !links.has(src),
  });
  await fs.promises.cp(path.join(ROOT, ".next/static"), path.join(dir, ".next/static"), { recursive: true });
  await fs.promises.cp(path.join(ROOT, "public"), path.join(dir, "public"), { recursive: true });

  cluster = await startSimCluster({
    nodes: 3,
    addressBase: 230,
    qps: 5,
    apiPort: 0,
    dnsPort: 0,
    outDir: ".sim/test-standalone",
    extraObjects: deployRbacObjects(),
  });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  // Only what the image sets (NODE_ENV, PORT, HOSTNAME) plus what deploy/ or an operator would.
  server = spawn(process.execPath, ["server.js"], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      KUBECONFIG: cluster.kubeconfigPath,
      DASHBOARD_CONTEXT: "dashboard",
      DASHBOARD_SCRAPE_INTERVAL_MS: "1000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-50_000)));
  server.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-50_000)));
  await waitFor(
    "the standalone server to answer /healthz",
    async () => {
      if (server?.exitCode !== null) throw new Error(`server.js exited (${server?.exitCode}):\n${output}`);
      return (await fetch(`${url}/healthz`)).ok ? true : undefined;
    },
    120_000,
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server?.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
  await cluster?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the standalone server the image runs", () => {
  it("answers /healthz and, once it has listed the cluster, /readyz", async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await waitFor(
      "/readyz 200",
      async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined),
      60_000,
    );
  });

  it("lists the simulated cluster's nodes at /api/nodes", async () => {
    const want = cluster.description.nodes.map((n) => n.name).sort();
    const names = await waitFor(
      "every node scraped",
      async () => {
        const body = (await (await fetch(`${url}/api/nodes`)).json()) as { nodes?: { node: string }[] };
        const got = (body.nodes ?? []).map((n) => n.node).sort();
        return got.length === want.length ? got : undefined;
      },
      60_000,
    );
    expect(names).toEqual(want);
  });

  it("serves its own metrics and writes structured JSON logs", async () => {
    const text = await waitFor(
      "a scrape round counted",
      async () => {
        const t = await (await fetch(`${url}/metrics`)).text();
        return /nodelocaldns_dashboard_scrape_rounds_total [1-9]/.test(t) ? t : undefined;
      },
      60_000,
    );
    expect(text).toContain("nodelocaldns_dashboard_nodes 3");
    const started = output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg?: string; level?: string })
      .find((l) => l.msg === "collector starting");
    expect(started?.level).toBe("info");
  });

  it("renders the first page in Chromium, with its static assets", async () => {
    const page = await browser!.newPage();
    const failed: string[] = [];
    page.on("response", (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(url);
    await expect.poll(() => page.locator("tbody tr").count(), { timeout: 60_000 }).toBe(3);
    expect(failed).toEqual([]);
    await page.close();
  });
});
