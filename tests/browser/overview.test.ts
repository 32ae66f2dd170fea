import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, UI_TIMEOUT_MS } from "../support/browser";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";
import { waitFor } from "../support/ports";

let env: DemoEnv;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  env = await startDemoEnv({ addressBase: 110, nodes: 5, qps: 15 });
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

async function cellNumber(node: string, field: string): Promise<number> {
  const text = await page.locator(`tr[data-node="${node}"] td[data-field="${field}"]`).innerText();
  return Number(text.replace(/[,%]/g, ""));
}

describe("the first page (demo cluster)", () => {
  it("lists all 5 nodes, each with a ready node-local-dns pod", async () => {
    await page.goto(env.url);
    await expect.poll(() => page.locator("tbody tr").count(), { timeout: 60_000 }).toBe(5);
    for (const n of env.cluster.description.nodes) {
      const row = page.locator(`tr[data-node="${n.name}"]`);
      await expect
        .poll(() => row.locator(".badge-ok").first().innerText(), { timeout: 60_000 })
        .toBe("Ready");
    }
  });

  it("shows cache hits and misses that increase as traffic flows, without reloading", async () => {
    const node = env.cluster.description.nodes[0]!.name;
    const first = await waitFor(
      "first numbers",
      async () => {
        const hits = await cellNumber(node, "hits");
        return Number.isFinite(hits) && hits > 0 ? hits : undefined;
      },
      60_000,
    );
    const missesBefore = await cellNumber(node, "misses");
    await waitFor(
      "hits to increase",
      async () => ((await cellNumber(node, "hits")) > first ? true : undefined),
      60_000,
    );
    expect(await cellNumber(node, "misses")).toBeGreaterThanOrEqual(missesBefore);
    const ratio = await page.locator(`tr[data-node="${node}"] td[data-field="hitRatio"]`).innerText();
    expect(ratio).toMatch(/^\d+(\.\d)?%$/);
  });

  it("sorts by a column from the keyboard and keeps the order in a shareable URL", async () => {
    await page.getByRole("button", { name: /Hit ratio/ }).focus();
    await page.keyboard.press("Enter");
    await expect
      .poll(() => new URL(page.url()).searchParams.get("sort"), { timeout: UI_TIMEOUT_MS })
      .toBe("hitRatio");
    const shared = page.url();
    const other = await browser.newPage();
    await other.goto(shared);
    await expect
      .poll(() => other.locator('th[aria-sort="descending"]').innerText(), { timeout: UI_TIMEOUT_MS })
      .toContain("Hit ratio");
    await other.close();
  });
});
