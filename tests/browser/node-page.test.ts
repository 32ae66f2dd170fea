import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryOnce } from "../../sim/dns/traffic";
import { launchChromium } from "../support/browser";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";
import { podCounters } from "../support/pod-metrics";

let env: DemoEnv;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // No background traffic: the only queries are the burst below (and the pods' own loop probes).
  env = await startDemoEnv({ addressBase: 190, nodes: 3, qps: 0 });
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

describe("a node's page", () => {
  it("shows the hits and misses the simulated pod itself counted after a burst of known queries", async () => {
    const node = env.cluster.description.nodes[1]!;
    const tag = randomUUID().slice(0, 8);
    const names = Array.from({ length: 15 }, (_, i) => `burst${i}-${tag}.example.com.`);
    // First time: misses. Second time: hits (the NXDOMAIN answers sit in the denial cache).
    for (const round of [0, 1]) {
      for (const name of names)
        await queryOnce({ host: node.dns.address, port: node.dns.port, name, type: "A", proto: "udp" });
      void round;
    }
    const counted = await podCounters(node.metrics);
    expect(counted.hits).toBeGreaterThanOrEqual(15);
    expect(counted.misses).toBeGreaterThanOrEqual(15);

    await page.goto(`${env.url}/nodes/${node.name}`);
    const stat = (label: string) => page.locator(`[data-stat="${label}"]`).innerText();
    await expect.poll(() => stat("Hits"), { timeout: 30_000 }).toBe(counted.hits.toLocaleString("en-US"));
    await expect.poll(() => stat("Misses"), { timeout: 30_000 }).toBe(counted.misses.toLocaleString("en-US"));
    // Charts are drawn per server block once there are two scrapes.
    await expect.poll(() => page.locator("figure.chart svg").count(), { timeout: 30_000 }).toBeGreaterThan(3);
    await expect.poll(() => page.locator("[data-verdict]").count(), { timeout: 30_000 }).toBe(1);
  });
});
