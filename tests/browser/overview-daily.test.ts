/**
 * The overview as an SRE uses it every day (issue 12): cache entries that can be trusted, filters
 * and sorting in a shareable URL without a server round trip, the health verdict with its banner,
 * dark mode following the system, and navigation that says where you are.
 */
import { randomUUID } from "node:crypto";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryOnce } from "../../sim/dns/traffic";
import { launchChromium } from "../support/browser";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";
import { waitFor } from "../support/ports";

let env: DemoEnv;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // No background traffic: every cache entry comes from this test's own queries.
  env = await startDemoEnv({ addressBase: 196, nodes: 3, qps: 0 });
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

interface Row {
  node: string;
  cache: { entries: number } | null;
  health: { state: string; reasons: { code: string; message: string }[] };
}

async function rows(): Promise<Row[]> {
  return ((await (await fetch(`${env.url}/api/nodes`)).json()) as { nodes: Row[] }).nodes;
}

describe("the overview, day to day", () => {
  it("300 unique names sent to one node raise its entries by 300, not once per listen address", async () => {
    const node = env.cluster.description.nodes[0]!;
    const before = await waitFor(
      "the first scrape of node-1",
      async () => (await rows()).find((r) => r.node === node.name)?.cache?.entries,
      60_000,
      250,
    );
    const tag = randomUUID().slice(0, 8);
    for (let i = 0; i < 300; i++) {
      await queryOnce({
        host: node.dns.address,
        port: node.dns.port,
        name: `u${i}-${tag}.example.com`,
        type: "A",
        proto: "udp",
      });
    }
    const after = await waitFor(
      "the cache growth to show",
      async () => {
        const e = (await rows()).find((r) => r.node === node.name)?.cache?.entries ?? 0;
        return e - before >= 300 ? e : undefined;
      },
      60_000,
      250,
    );
    expect(after - before).toBeGreaterThanOrEqual(300);
    expect(after - before).toBeLessThan(330);
  });

  it("filters and sorts in the browser, kept in the URL, without asking the server for the page again", async () => {
    await page.goto(env.url);
    await expect.poll(() => page.locator("tbody tr[data-node]").count(), { timeout: 60_000 }).toBe(3);
    let documents = 0;
    page.on("request", (r) => {
      if (r.resourceType() === "document") documents++;
    });
    await page.getByLabel("Filter nodes by name, pod, CoreDNS version or image").fill("node-2");
    await expect.poll(() => page.locator("tbody tr[data-node]").count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => new URL(page.url()).searchParams.get("q"), { timeout: 30_000 }).toBe("node-2");
    await page.getByLabel("Filter nodes by name, pod, CoreDNS version or image").fill("");
    await page.getByRole("button", { name: /^Node/ }).click();
    await expect
      .poll(() => page.locator("tbody tr[data-node]").first().getAttribute("data-node"), { timeout: 30_000 })
      .toBe("node-3");
    expect(new URL(page.url()).searchParams.get("dir")).toBe("desc");
    expect(documents).toBe(0);
    // The URL can be shared: opened fresh, it shows the same view.
    const other = await browser.newPage();
    await other.goto(`${env.url}/?q=node-1`);
    await expect.poll(() => other.locator("tbody tr[data-node]").count(), { timeout: 60_000 }).toBe(1);
    await other.close();
  });

  it("the navigation marks the page you are on, a skip link leads to the content", async () => {
    await page.goto(`${env.url}/logs`);
    await expect
      .poll(
        () => page.getByRole("navigation", { name: "Main" }).locator('[aria-current="page"]').innerText(),
        {
          timeout: 30_000,
        },
      )
      .toBe("Logs");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
  });

  it("dark mode follows the system setting", async () => {
    const bg = async (scheme: "light" | "dark") => {
      const p = await browser.newPage({ colorScheme: scheme });
      await p.goto(env.url);
      const color = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await p.close();
      return color;
    };
    expect(await bg("light")).toBe("rgb(246, 247, 249)");
    expect(await bg("dark")).toBe("rgb(13, 17, 23)");
  });

  it("a node whose Corefile reload failed is marked with the reason, and the banner offers only those", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(env.cluster.kubeconfigPath);
    kc.setCurrentContext("sim");
    const core = kc.makeApiClient(CoreV1Api);
    const cm = await core.readNamespacedConfigMap({ name: "node-local-dns", namespace: "kube-system" });
    const good = cm.data?.Corefile ?? "";
    // Written around the dashboard, as kubectl would: CoreDNS refuses it and keeps the old one.
    await core.replaceNamespacedConfigMap({
      name: "node-local-dns",
      namespace: "kube-system",
      // An unknown plugin inside a block: parses, but CoreDNS cannot set it up, so the reload fails.
      body: {
        ...cm,
        data: { ...cm.data, Corefile: good.replace(".:53 {\n", ".:53 {\n    bogus_plugin_xyz\n") },
      },
    });
    try {
      await waitFor(
        "a failed reload in every node's health",
        async () =>
          (await rows()).every((r) => r.health.reasons.some((x) => x.code === "reload-failed"))
            ? true
            : undefined,
        180_000,
        500,
      );
    } finally {
      const now = await core.readNamespacedConfigMap({ name: "node-local-dns", namespace: "kube-system" });
      await core.replaceNamespacedConfigMap({
        name: "node-local-dns",
        namespace: "kube-system",
        body: { ...now, data: { ...now.data, Corefile: good } },
      });
    }
    await page.goto(env.url);
    const banner = page.getByTestId("health-banner");
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.innerText()).toMatch(/3 of 3 nodes need a look/);
    const health = page.locator('tr[data-node="node-1"] td[data-field="health"]');
    await expect.poll(() => health.innerText(), { timeout: 30_000 }).toMatch(/warning.*reload failed/s);
    await banner.getByRole("button", { name: "Show only those" }).click();
    await expect
      .poll(() => new URL(page.url()).searchParams.get("only"), { timeout: 30_000 })
      .toBe("unhealthy");
  }, 300_000);
});
