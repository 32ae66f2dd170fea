/**
 * What the other browser files leave out, end to end against the demo cluster and the production build:
 * a pod replaced mid-traffic (its counters start again and no rate goes negative), the log summaries
 * and the log download over lines whose content the test knows exactly, timed query logging and the
 * memory estimate on the Config page.
 *
 * One simulated cluster for the file; every test sets up what it starts from (its own names, its own
 * client address, the Corefile state it needs), so each passes alone and in any order.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryOnce } from "../../sim/dns/traffic";
import { estimateCorefileMemory } from "@/lib/config/memory";
import type { ConfigResponse, NodeDetailResponse, NodesResponse } from "@/lib/api-types";
import { launchChromium, UI_TIMEOUT_MS } from "../support/browser";
import { setQueryLogging } from "../support/corefile-admin";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";
import { podCounters, readCount } from "../support/pod-metrics";
import { waitFor } from "../support/ports";

const BASE = 40;
const NS = "kube-system";
let env: DemoEnv;
let browser: Browser;
let page: Page;
let core: CoreV1Api;
let apps: AppsV1Api;

beforeAll(async () => {
  // No background traffic: every query in view is one a test sent.
  env = await startDemoEnv({ addressBase: BASE, nodes: 2, qps: 0 });
  const kc = new KubeConfig();
  kc.loadFromFile(env.cluster.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

const api = async <T>(path: string): Promise<T> => (await (await fetch(`${env.url}${path}`)).json()) as T;

async function ask(nodeIndex: number, name: string, from?: string): Promise<void> {
  const n = env.cluster.description.nodes[nodeIndex]!;
  await queryOnce({
    host: n.dns.address,
    port: n.dns.port,
    name,
    type: "A",
    proto: "udp",
    ...(from ? { localAddress: from } : {}),
  });
}

/** Every node-local-dns pod Ready, as the dashboard lists them. */
async function allPodsReady(): Promise<NodesResponse> {
  return waitFor(
    "every node with a Ready pod and a scrape",
    async () => {
      const r = await api<NodesResponse>("/api/nodes");
      return r.nodes.length === env.cluster.description.nodes.length &&
        r.nodes.every((n) => n.podReady && n.cache !== null)
        ? r
        : undefined;
    },
    90_000,
    500,
  );
}

describe("a pod replaced mid-traffic", () => {
  it("shows the new pod's counters from zero again, and no rate or history point goes negative", async () => {
    await allPodsReady();
    const node = env.cluster.description.nodes[0]!;
    const tag = randomUUID().slice(0, 8);
    // 60 names asked twice: 60 misses, then 60 hits from the cache.
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 60; i++) await ask(0, `r${i}-${tag}.example.com.`);
    const counted = await podCounters(node.metrics);
    expect(counted.hits).toBeGreaterThanOrEqual(60);

    await page.goto(env.url);
    const row = page.locator(`tr[data-node="${node.name}"]`);
    const hitsCell = row.locator('td[data-field="hits"]');
    await expect
      .poll(async () => readCount(await hitsCell.innerText()).value, { timeout: 60_000 })
      .toBeGreaterThanOrEqual(counted.hits);
    const oldPod = (await api<NodesResponse>("/api/nodes")).nodes.find((n) => n.node === node.name)!.pod!;
    const deletedAt = Date.now();

    // kubectl delete pod: the DaemonSet controller puts a new one on the node, whose counters start at 0.
    await core.deleteNamespacedPod({ name: oldPod, namespace: NS, gracePeriodSeconds: 0 });
    const replaced = await waitFor(
      "the dashboard to scrape the node's new pod twice",
      async () => {
        const r = await api<NodeDetailResponse>(`/api/nodes/${encodeURIComponent(node.name)}`);
        const n = r.node;
        return n.pod &&
          n.pod !== oldPod &&
          n.podReady &&
          n.rates &&
          r.history.some((p) => p.t > deletedAt + 1)
          ? r
          : undefined;
      },
      90_000,
      500,
    );
    const fresh = replaced.node;
    expect(fresh.cache!.hits).toBeLessThan(counted.hits);
    expect(fresh.rates!.queriesPerSecond).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(fresh.rates!.queriesPerSecond)).toBe(true);
    for (const point of replaced.history) {
      for (const [signal, v] of Object.entries(point)) {
        if (signal === "t" || v === null) continue;
        expect(v, `${signal} at ${new Date(point.t).toISOString()}`).toBeGreaterThanOrEqual(0);
      }
    }
    // The page follows without a reload: the new pod's name, and its (smaller) count.
    await expect.poll(() => row.locator("code").first().innerText(), { timeout: 60_000 }).toBe(fresh.pod);
    await expect
      .poll(async () => readCount(await hitsCell.innerText()).value, { timeout: UI_TIMEOUT_MS })
      .toBeLessThan(counted.hits);
  });
});

/**
 * Queries with known names from a client address nobody else uses, once the pods log queries; the Logs
 * page filtered to that client shows exactly these lines.
 */
async function knownQueryLines(client: string): Promise<{
  tag: string;
  lines: { name: string; rcode: string }[];
}> {
  await setQueryLogging(env.cluster.kubeconfigPath, true);
  // Wait until node-1's pod logs queries (it reloads the Corefile), with a query from elsewhere.
  const pod = () => env.cluster.description.nodes[0]!.pod!;
  const warm = `warm-${randomUUID().slice(0, 8)}.example.com.`;
  await waitFor(
    "node-1's pod to log queries",
    async () => {
      await ask(0, warm);
      const log = await core.readNamespacedPodLog({ name: pod(), namespace: NS, container: "node-cache" });
      return log.includes(warm) ? true : undefined;
    },
    90_000,
    500,
  );
  const tag = randomUUID().slice(0, 8);
  const lines = [
    { name: "kubernetes.default.svc.cluster.local.", rcode: "NOERROR" },
    { name: "kubernetes.default.svc.cluster.local.", rcode: "NOERROR" },
    { name: "kubernetes.default.svc.cluster.local.", rcode: "NOERROR" },
    { name: `top-${tag}.example.com.`, rcode: "NXDOMAIN" },
    { name: `top-${tag}.example.com.`, rcode: "NXDOMAIN" },
    // What a pod's resolver asks first for "<tag>.example.com" with ndots:5: a search-path expansion.
    { name: `${tag}.example.com.default.svc.cluster.local.`, rcode: "NXDOMAIN" },
  ];
  for (const l of lines) await ask(0, l.name, client);
  return { tag, lines };
}

async function openLogsFor(client: string, count: number): Promise<void> {
  await page.goto(`${env.url}/logs?client=${encodeURIComponent(`${client}:`)}`);
  await expect
    .poll(() => page.locator("[data-stream-status]").getAttribute("data-stream-status"), {
      timeout: UI_TIMEOUT_MS,
    })
    .toBe("open");
  await expect
    .poll(() => page.locator('.log-row[data-kind="query"]').count(), { timeout: 60_000 })
    .toBe(count);
}

/** The summary panel titled `title`, as [key, count] pairs in the order shown. */
async function panel(title: string): Promise<[string, number][]> {
  const section = page.locator("aside.log-summary section", {
    has: page.locator("h3", { hasText: title }),
  });
  const items = await section
    .locator("li")
    .evaluateAll((lis) =>
      lis.map((li) => [
        li.querySelector(".top-key")?.textContent ?? "",
        Number(li.querySelector(".top-count")?.textContent),
      ]),
    );
  return items as [string, number][];
}

describe("the Logs page's summaries and download", () => {
  it("adds up the lines in view: top names, top clients, the rcode mix and the ndots:5 share", async () => {
    const client = `127.${BASE}.200.9`;
    const { tag } = await knownQueryLines(client);
    await openLogsFor(client, 6);
    expect(await panel("Top names")).toEqual([
      ["kubernetes.default.svc.cluster.local.", 3],
      [`top-${tag}.example.com.`, 2],
      [`${tag}.example.com.default.svc.cluster.local.`, 1],
    ]);
    expect(await panel("Top clients")).toEqual([[client, 6]]);
    expect(await panel("Rcodes")).toEqual([
      ["NOERROR", 3],
      ["NXDOMAIN", 3],
    ]);
    const searchPath = page.locator("aside.log-summary section", {
      has: page.locator("h3", { hasText: "Search-path expansion" }),
    });
    // 1 of 6 queries.
    expect((await searchPath.locator("strong").innerText()).trim()).toBe("17%");
    expect(await searchPath.innerText()).toMatch(/of 6 queries are[\s\S]*\(1\)/);
  });

  it("downloads exactly the lines in view, one raw CoreDNS line each, with its node", async () => {
    const client = `127.${BASE}.200.10`;
    const { lines } = await knownQueryLines(client);
    await openLogsFor(client, 6);
    const button = page.getByRole("button", { name: /^Download \(6\)$/ });
    const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
    expect(download.suggestedFilename()).toMatch(/^node-local-dns-logs-[\dT-]+Z\.log$/);
    const text = fs.readFileSync(await download.path(), "utf8");
    const got = text.trimEnd().split("\n");
    expect(got).toHaveLength(6);
    const node = env.cluster.description.nodes[0]!.name;
    const byKey = (l: { name: string; rcode: string }) => `${l.name} ${l.rcode}`;
    const read = got.map((line) => {
      // "<time> <node> [INFO] <client>:<port> - <id> "A IN <name> udp …" <rcode> …"
      const m = new RegExp(
        `^\\S+ ${node} \\[INFO\\] ${client.replaceAll(".", "\\.")}:\\d+ - \\d+ "A IN (\\S+) udp [^"]*" (\\S+) `,
      ).exec(line);
      expect(m, line).not.toBeNull();
      return { name: m![1]!, rcode: m![2]! };
    });
    // The table's order (newest first or last) is not the point: the same lines, each once.
    expect(read.map(byKey).sort()).toEqual(lines.map(byKey).sort());
  });
});

describe("the Config page", () => {
  it("turns query logging on for a limited time, and says when it will go off", async () => {
    await setQueryLogging(env.cluster.kubeconfigPath, false);
    await page.goto(`${env.url}/config`);
    const block = page.locator('section[data-block=".:53"]');
    await expect
      .poll(() => block.locator('input[data-field="log"]').isChecked(), { timeout: 60_000 })
      .toBe(false);
    await page.getByLabel("How long to keep query logging on").selectOption("5");
    await block.locator('input[data-field="log"]').check();
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByTestId("preview");
    await preview.waitFor();
    await preview.getByRole("checkbox", { name: /Also restart/ }).uncheck();
    const before = Date.now();
    await preview.getByRole("button", { name: "Apply" }).click();
    const applied = page.getByTestId("applied");
    await applied.waitFor();
    const after = Date.now();
    expect(await applied.innerText()).toMatch(/Logging turns off at /);

    const config = await api<ConfigResponse>("/api/config");
    expect(config.logOff?.blocks).toEqual([".:53"]);
    const at = Date.parse(config.logOff!.at);
    expect(at).toBeGreaterThanOrEqual(before + 5 * 60_000 - 1000);
    expect(at).toBeLessThanOrEqual(after + 5 * 60_000 + 1000);
    expect(config.corefile).toMatch(/\.:53 \{\n\s+log\n/);
    // A fresh load of the page says so too, and who asked.
    await page.goto(`${env.url}/config`);
    const banner = page.getByTestId("log-off");
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(
      /Query logging will be turned off at .+ \(requested by nodelocal-dns-dashboard/,
    );
  });

  it("estimates the caches' memory against node-cache's limit, and what an edit would need", async () => {
    // kubectl set resources: a memory limit on node-cache (the upstream manifest sets none).
    const ds = await apps.readNamespacedDaemonSet({ name: "node-local-dns", namespace: NS });
    const container = ds.spec!.template.spec!.containers.find((c) => c.name === "node-cache")!;
    container.resources = { ...container.resources, limits: { memory: "1Gi" } };
    await apps.replaceNamespacedDaemonSet({ name: "node-local-dns", namespace: NS, body: ds });

    const config = await waitFor(
      "the limit in the config answer",
      async () => {
        const c = await api<ConfigResponse>("/api/config");
        return c.memoryLimit === "1Gi" ? c : undefined;
      },
      60_000,
      500,
    );
    const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(0)} MiB`;
    const now = estimateCorefileMemory(config.corefile, "1Gi");
    expect(now.limitBytes).toBe(1024 ** 3);
    await page.goto(`${env.url}/config`);
    const bar = page.locator(".cfg-memory").first();
    await expect.poll(() => bar.getAttribute("data-level"), { timeout: 60_000 }).toBe(now.level);
    expect(await bar.locator(".cfg-memory-head span").innerText()).toBe(
      `${mib(now.totalBytes)} of 1024 MiB limit`,
    );
    expect(await bar.getByRole("meter").getAttribute("aria-valuenow")).toBe(
      String(Math.min(100, Math.round(now.ratio! * 100))),
    );

    // Ten times the success cache of cluster.local: the preview's estimate is the edited Corefile's.
    const current = Number(/success (\d+) 30/.exec(config.corefile)?.[1]);
    const capacity = current * 10;
    await page
      .locator('section[data-block="cluster.local:53"] input[data-field="successCapacity"]')
      .fill(String(capacity));
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByTestId("preview");
    await preview.waitFor();
    const added = await preview.locator('[data-diff="add"]').allInnerTexts();
    expect(added).toHaveLength(1);
    expect(added[0]!.trim()).toMatch(new RegExp(`^\\+\\s+success ${capacity} 30$`));
    const edited = estimateCorefileMemory(
      config.corefile.replace(`success ${current} 30`, `success ${capacity} 30`),
      "1Gi",
    );
    expect(edited.totalBytes).toBeGreaterThan(now.totalBytes);
    const after = preview.locator(".cfg-memory");
    expect(await after.getAttribute("data-level")).toBe(edited.level);
    expect(await after.locator(".cfg-memory-head span").innerText()).toBe(
      `${mib(edited.totalBytes)} of 1024 MiB limit`,
    );
    expect(await after.locator("p").innerText()).toBe(edited.message);
  });
});
