import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, UI_TIMEOUT_MS } from "../support/browser";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";
import { podCounters, readCount } from "../support/pod-metrics";
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

/** What a node's row shows in a count column, as a number and its rounding slack. */
async function cell(node: string, field: "hits" | "misses"): Promise<{ value: number; slack: number }> {
  return readCount(await page.locator(`tr[data-node="${node}"] td[data-field="${field}"]`).innerText());
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

  it("shows each pod's own hit and miss counters, updating as traffic flows, without reloading", async () => {
    const node = env.cluster.description.nodes[0]!;
    // The simulated traffic has to have made a hit and a miss first: on a fast machine the page can
    // be here before the pod answered a repeated name.
    await waitFor(
      `${node.name}'s pod to count a hit and a miss`,
      async () => {
        const c = await podCounters(node.metrics);
        return c.hits > 0 && c.misses > 0 ? true : undefined;
      },
      60_000,
    );
    for (let round = 0; round < 2; round++) {
      // Between what the pod counted before and after the page showed a newer scrape.
      const before = await podCounters(node.metrics);
      const shown = await waitFor(
        `the row of ${node.name} to show a scrape newer than the pod's count ${before.hits}/${before.misses}`,
        async () => {
          const hits = await cell(node.name, "hits");
          const misses = await cell(node.name, "misses");
          return hits.value + hits.slack >= before.hits && misses.value + misses.slack >= before.misses
            ? { hits, misses }
            : undefined;
        },
        60_000,
      );
      const after = await podCounters(node.metrics);
      expect(after.hits).toBeGreaterThan(0);
      expect(after.misses).toBeGreaterThan(0);
      expect(shown.hits.value - shown.hits.slack).toBeLessThanOrEqual(after.hits);
      expect(shown.misses.value - shown.misses.slack).toBeLessThanOrEqual(after.misses);
    }
    const ratio = await page.locator(`tr[data-node="${node.name}"] td[data-field="hitRatio"]`).innerText();
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
