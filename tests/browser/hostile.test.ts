/**
 * No anonymous request can stall, mislead or steer the dashboard (issue 10), in local mode against
 * the production server: a catastrophic regex in the log filter, a flood of log-stream clients, a
 * DNS-rebinding Host, a kubeconfig rewritten after start, an oversized body. Token and proxy mode's
 * cases are in login-token.test.ts and auth-writes.test.ts, whose servers run in those modes.
 */
import fs from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryOnce } from "../../sim/dns/traffic";
import { enableQueryLogging } from "../support/corefile-admin";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";
import { waitFor } from "../support/ports";

const STREAMS = 500;
let env: DemoEnv;

beforeAll(async () => {
  env = await startDemoEnv({
    addressBase: 250,
    nodes: 2,
    qps: 50,
    env: {
      // Room for the flood below, and a cap just past it to see the 429.
      DASHBOARD_LOG_STREAMS_MAX: String(STREAMS + 1),
      DASHBOARD_LOG_STREAMS_PER_USER: String(STREAMS + 10),
    },
  });
  await enableQueryLogging(env.cluster.kubeconfigPath);
});

afterAll(async () => {
  await env?.stop();
});

/** GET with a Host of our choosing (fetch does not let a caller set Host). */
function getWithHost(path: string, host: string): Promise<{ status: number; body: string }> {
  const url = new URL(env.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path, headers: { host, origin: `http://${host}` } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** An open log stream: resolves once the server has answered its headers. */
async function openStream(query: string, signal: AbortSignal): Promise<Response> {
  const res = await fetch(`${env.url}/api/logs/stream?${query}`, { signal });
  return res;
}

async function nodeIsServedWithin(): Promise<boolean> {
  const res = await fetch(`${env.url}/api/nodes`);
  return res.status === 200;
}

describe("hostile input in local mode", () => {
  it("a catastrophic-backtracking name filter does not freeze the server", async () => {
    const ac = new AbortController();
    try {
      const res = await openStream(`name=${encodeURIComponent("/(a+)+$/")}`, ac.signal);
      expect(res.status).toBe(200);
      // A name a backtracking engine needs 2^29 steps for, logged by a node and matched by the stream.
      const n = env.cluster.description.nodes[0]!;
      await queryOnce({
        host: n.dns.address,
        port: n.dns.port,
        name: `${"a".repeat(29)}.example.com`,
        type: "A",
        proto: "udp",
      });
      // The health check is answered while the stream runs (no timing asserted: it must just answer).
      const health = await fetch(`${env.url}/healthz`, { signal: AbortSignal.timeout(60_000) });
      expect(health.status).toBe(200);
    } finally {
      ac.abort();
    }
  });

  it("a regex the linear-time engine cannot run is refused with 400 naming the construct", async () => {
    const res = await fetch(`${env.url}/api/logs/stream?name=${encodeURIComponent("/(a)\\1/")}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/invalid escape sequence: `\\1`.*RE2 syntax/);
  });

  it(`${STREAMS} log streams open with logging on: health, nodes and scraping go on; one more is 429`, async () => {
    const ac = new AbortController();
    const opened: Response[] = [];
    try {
      for (let i = 0; i < STREAMS; i += 50) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(50, STREAMS - i) }, () => openStream("", ac.signal)),
        );
        opened.push(...batch);
      }
      expect(opened.every((r) => r.status === 200)).toBe(true);
      // Every stream is read (as browsers would), so the server really delivers to all of them.
      for (const r of opened) void r.body?.pipeTo(new WritableStream()).catch(() => undefined);

      const before = ((await (await fetch(`${env.url}/api/nodes`)).json()) as { lastRoundAt: string })
        .lastRoundAt;
      const health = await fetch(`${env.url}/healthz`, { signal: AbortSignal.timeout(60_000) });
      expect(health.status).toBe(200);
      expect(await nodeIsServedWithin()).toBe(true);
      // Scraping keeps its interval: a newer round completes while the streams run.
      await waitFor(
        "a scrape round after the streams opened",
        async () => {
          const now = ((await (await fetch(`${env.url}/api/nodes`)).json()) as { lastRoundAt: string })
            .lastRoundAt;
          return now && now !== before ? true : undefined;
        },
        60_000,
        500,
      );
      // The cap: 501 allowed in all, so the 502nd is refused, saying what to do.
      const extra = await openStream("", ac.signal);
      expect(extra.status).toBe(200);
      const refused = await openStream("", ac.signal);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBeTruthy();
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
        /DASHBOARD_LOG_STREAMS_MAX/,
      );
      await extra.body?.cancel();
    } finally {
      ac.abort();
    }
    // The slots come back when the browsers go away.
    await waitFor(
      "stream slots released",
      async () => ((await openStream("", AbortSignal.timeout(30_000))).status === 200 ? true : undefined),
      60_000,
      500,
    );
  });

  it("a request under a rebinding Host is refused with the setting to change; loopback names work", async () => {
    const port = new URL(env.url).port;
    const evil = await getWithHost("/api/config", `evil.test:${port}`);
    expect(evil.status).toBe(403);
    expect(evil.body).toMatch(/DASHBOARD_ALLOWED_HOSTS/);
    const page = await getWithHost("/", `evil.test:${port}`);
    expect(page.status).toBe(403);
    expect((await getWithHost("/api/config", `localhost:${port}`)).status).toBe(200);
    // Probes and metrics scrapers reach the pod by IP: those paths are never host-checked.
    expect((await getWithHost("/healthz", `10.1.2.3:${port}`)).status).toBe(200);
  });

  it("a body over the stated limit is 413 naming it, not 'not JSON'", async () => {
    const big = JSON.stringify({ corefile: "x".repeat(3 * 1024 * 1024), resourceVersion: "1" });
    const res = await fetch(`${env.url}/api/config/preview`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /larger than the 2,097,152 bytes/,
    );
  });

  it("a kubeconfig rewritten after start does not retarget reads or writes", async () => {
    const path = env.cluster.kubeconfigPath;
    const original = fs.readFileSync(path, "utf8");
    // Point every cluster entry somewhere else, as if someone switched the file to another cluster.
    fs.writeFileSync(path, original.replace(/server: https:\/\/[^\s]+/g, "server: https://127.0.0.1:9"));
    try {
      const read = await fetch(`${env.url}/api/config`);
      expect(read.status).toBe(200);
      const cfg = (await read.json()) as { resourceVersion: string };
      const write = await fetch(`${env.url}/api/config`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          resourceVersion: cfg.resourceVersion,
          edits: [{ op: "setCacheTtl", block: "in-addr.arpa:53", ttl: 31 }],
          restart: false,
        }),
      });
      expect(write.status).toBe(200);
    } finally {
      fs.writeFileSync(path, original);
    }
    // The change landed in the cluster the dashboard shows.
    const { CoreV1Api, KubeConfig } = await import("@kubernetes/client-node");
    const kc = new KubeConfig();
    kc.loadFromFile(path);
    const cm = await kc
      .makeApiClient(CoreV1Api)
      .readNamespacedConfigMap({ name: "node-local-dns", namespace: "kube-system" });
    expect(cm.data?.Corefile).toMatch(/cache 31/);
  });
});
