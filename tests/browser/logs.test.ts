import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryOnce } from "../../sim/dns/traffic";
import { launchChromium, UI_TIMEOUT_MS } from "../support/browser";
import { enableQueryLogging } from "../support/corefile-admin";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";
import { waitFor } from "../support/ports";

let env: DemoEnv;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  env = await startDemoEnv({ addressBase: 140, nodes: 3, qps: 5 });
  await enableQueryLogging(env.cluster.kubeconfigPath);
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

async function ask(name: string): Promise<void> {
  const n = env.cluster.description.nodes[0]!;
  await queryOnce({ host: n.dns.address, port: n.dns.port, name, type: "A", proto: "udp" });
}

/** Open the Logs page (with `query` as its URL filters) and wait for its live stream. */
async function openLogs(query = ""): Promise<void> {
  await page.goto(`${env.url}/logs${query}`);
  await expect
    .poll(() => page.locator("[data-stream-status]").getAttribute("data-stream-status"), {
      timeout: 30_000,
    })
    .toBe("open");
}

/** Ask `name` until a line for it shows in the table (the pods may still be reloading the Corefile). */
async function askUntilShown(name: string, tag: string): Promise<void> {
  await waitFor(
    `a query line for ${name} in the table`,
    async () => {
      await ask(name);
      return (await rowsNamed(tag).count()) > 0 ? true : undefined;
    },
    60_000,
    500,
  );
}

const rowsNamed = (tag: string) => page.locator(`.log-row[data-kind="query"] .c-name`, { hasText: tag });

describe("the Logs page", () => {
  it("shows live query lines as columns", async () => {
    await openLogs();
    // The pods pick the new Corefile up by reloading; keep asking until a line shows.
    const tag = `first-${randomUUID().slice(0, 8)}`;
    await askUntilShown(`${tag}.example.com.`, tag);
    const row = page.locator(`.log-row[data-kind="query"]`, { hasText: tag }).first();
    await expect.poll(() => row.locator(".c-type").innerText(), { timeout: UI_TIMEOUT_MS }).toBe("A");
    await expect.poll(() => row.locator(".c-rcode").innerText(), { timeout: UI_TIMEOUT_MS }).toBe("NXDOMAIN");
  });

  it("filters by name from the URL-backed filter bar, rendering odd names as text", async () => {
    await openLogs();
    const tag = `flt-${randomUUID().slice(0, 8)}`;
    await page.getByPlaceholder("substring or /regex/").fill(tag);
    await expect.poll(() => new URL(page.url()).searchParams.get("name"), { timeout: 10_000 }).toBe(tag);
    await expect
      .poll(() => page.locator("[data-stream-status]").getAttribute("data-stream-status"), {
        timeout: 30_000,
      })
      .toBe("open");
    // A name that is markup: DNS labels may hold any byte, and CoreDNS prints < > / as they are.
    const odd = `<img src=x onerror=window.__xss=1><b>${tag}</b>`;
    const oddName = `${odd.replaceAll(" ", "-")}.example.com.`;
    await askUntilShown(oddName, tag);
    await ask(`other-${randomUUID().slice(0, 8)}.example.com.`);
    // Only lines matching the filter are in the table.
    const names = await page.locator(`.log-row[data-kind="query"] .c-name`).allInnerTexts();
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n.includes(tag))).toBe(true);
    // The odd name is text: shown as printed, no element made of it, nothing ran.
    expect(names).toContain(oddName);
    const cell = rowsNamed(tag).first();
    expect(await cell.locator("img, b").count()).toBe(0);
    expect(await page.locator(".log-row img, .log-summary img").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator("script", { hasText: tag }).count()).toBe(0);
  });

  it("pause holds new lines without losing them; resume shows them", async () => {
    const tag = `pause-${randomUUID().slice(0, 8)}`;
    await openLogs(`?name=${tag}`);
    await askUntilShown(`${tag}.example.com.`, tag);
    await page.getByRole("button", { name: "Pause" }).click();
    // The table re-renders at most every 200 ms: once the Resume button shows, every line that arrived
    // before the pause is on screen, and nothing after it will be until resume.
    await expect
      .poll(() => page.getByRole("button", { name: /Resume/ }).count(), { timeout: UI_TIMEOUT_MS })
      .toBe(1);
    const before = await rowsNamed(tag).count();
    const held = `${tag}-held`;
    await ask(`${held}.example.com.`);
    await expect
      .poll(() => page.getByRole("button", { name: /Resume \(\d+ waiting\)/ }).innerText(), {
        timeout: 20_000,
      })
      .toMatch(/Resume \([1-9]\d* waiting\)/);
    expect(await rowsNamed(held).count()).toBe(0);
    expect(await rowsNamed(tag).count()).toBe(before);
    await page.getByRole("button", { name: /Resume/ }).click();
    await expect.poll(() => rowsNamed(held).count(), { timeout: 10_000 }).toBe(1);
  });
});
