/**
 * The Logs page in a cluster larger than DASHBOARD_LOG_FOLLOW_MAX (here 2 of 4 nodes): it says it
 * follows the first 2 by name and how to follow others, shows lines from those only, follows an
 * explicit choice beyond the default, and shows the 400 past DASHBOARD_LOG_FOLLOW_CAP at the filters.
 */
import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryOnce } from "../../sim/dns/traffic";
import { launchChromium } from "../support/browser";
import { enableQueryLogging } from "../support/corefile-admin";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";
import { waitFor } from "../support/ports";

let env: DemoEnv;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  env = await startDemoEnv({
    addressBase: 114,
    nodes: 4,
    qps: 0,
    env: { DASHBOARD_LOG_FOLLOW_MAX: "2", DASHBOARD_LOG_FOLLOW_CAP: "3" },
  });
  await enableQueryLogging(env.cluster.kubeconfigPath);
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

const names = () => env.cluster.description.nodes.map((n) => n.name).sort();
async function askAll(name: string): Promise<void> {
  for (const n of env.cluster.description.nodes)
    await queryOnce({ host: n.dns.address, port: n.dns.port, name, type: "A", proto: "udp" });
}
const following = () => page.getByTestId("log-following");
const nodesOfRows = (tag: string) =>
  page
    .locator(`.log-row[data-kind="query"]`, { hasText: tag })
    .evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute("data-node") ?? ""))].sort());

describe("the Logs page at more nodes than it follows by default", () => {
  it("says it follows the first 2 of 4 by name, and shows lines from those only", async () => {
    await page.goto(`${env.url}/logs`);
    await expect.poll(() => following().getAttribute("data-mode"), { timeout: 30_000 }).toBe("first");
    await expect(following().innerText()).resolves.toMatch(
      /following 2 of 4 nodes .* — choose nodes to follow others/,
    );
    await expect(page.getByTestId("log-summary-following").innerText()).resolves.toMatch(
      /From the 2 followed nodes of 4 only/,
    );
    await expect(page.getByRole("combobox").getAttribute("placeholder")).resolves.toBe(
      "following 2 of 4 — type to choose others",
    );
    // The pods pick the logging Corefile up by reloading: ask until both followed nodes show a line.
    const tag = `f-${randomUUID().slice(0, 8)}`;
    await waitFor(
      "lines from the two followed nodes",
      async () => {
        await askAll(`${tag}.example.com.`);
        return (await nodesOfRows(tag)).length >= 2 ? true : undefined;
      },
      60_000,
      1000,
    );
    expect(await nodesOfRows(tag)).toEqual(names().slice(0, 2));
  });

  it("follows a choice beyond the default, and refuses one past the cap at the filters", async () => {
    const chosen = names().slice(1);
    await page.goto(`${env.url}/logs?node=${chosen.join(",")}`);
    await expect.poll(() => following().getAttribute("data-mode"), { timeout: 30_000 }).toBe("chosen");
    await expect(following().innerText()).resolves.toMatch(/following 3 nodes chosen of 4 nodes/);
    const tag = `c-${randomUUID().slice(0, 8)}`;
    await waitFor(
      "lines from the three chosen nodes",
      async () => {
        await askAll(`${tag}.example.com.`);
        return (await nodesOfRows(tag)).length >= 3 ? true : undefined;
      },
      30_000,
      1000,
    );
    expect(await nodesOfRows(tag)).toEqual(chosen);

    await page.goto(`${env.url}/logs?node=${names().join(",")}`);
    await expect(page.getByTestId("filter-error").innerText({ timeout: 30_000 })).resolves.toMatch(
      /4 nodes chosen, but one log stream follows at most 3 \(DASHBOARD_LOG_FOLLOW_CAP\)/,
    );
  });
});
