/**
 * The node page's conditions, cache pod Events and kube-dns offload chart; the overview's conditions
 * mark; the Logs table's column chooser at 1280 px (remembered across a reload, every chosen column's
 * header on screen).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryOnce } from "../../sim/dns/traffic";
import { RESOURCES } from "../../sim/k8s/store";
import { launchChromium, UI_TIMEOUT_MS } from "../support/browser";
import { enableQueryLogging } from "../support/corefile-admin";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";

let env: DemoEnv;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  env = await startDemoEnv({ addressBase: 64, nodes: 2, qps: 5 });
  await enableQueryLogging(env.cluster.kubeconfigPath);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

/** Put a node under memory pressure, as its kubelet would report it. */
function setMemoryPressure(node: string): void {
  env.cluster.store.mutate(
    RESOURCES.nodes,
    undefined,
    node,
    (o) => {
      const c = (o.status as { conditions: Record<string, string>[] }).conditions.find(
        (x) => x.type === "MemoryPressure",
      )!;
      Object.assign(c, {
        status: "True",
        reason: "KubeletHasInsufficientMemory",
        message: "kubelet has insufficient memory available",
        lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      });
    },
    { subresource: "status" },
  );
}

describe("a node's conditions, its cache pod's Events and its kube-dns offload", () => {
  it("shows the conditions and Events on the node page, the offload chart, and marks the node in the list", async () => {
    const node = env.cluster.description.nodes[0]!.name;
    setMemoryPressure(node);
    await page.goto(`${env.url}/nodes/${node}`);
    const memory = page.locator('table[aria-label="Node conditions"] tr[data-condition="MemoryPressure"]');
    await expect.poll(() => memory.getAttribute("data-nominal"), { timeout: UI_TIMEOUT_MS }).toBe("false");
    expect(await memory.innerText()).toContain("KubeletHasInsufficientMemory");
    expect(
      await page
        .locator('table[aria-label="Node conditions"] tr[data-condition="Ready"]')
        .getAttribute("data-nominal"),
    ).toBe("true");

    const events = page.locator('table[aria-label="Pod events"] tbody tr');
    await expect
      .poll(
        async () =>
          (await events.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-reason")))).sort(),
        {
          timeout: UI_TIMEOUT_MS,
        },
      )
      .toEqual(["Created", "Pulled", "Scheduled", "Started"]);
    expect(
      await page.locator('table[aria-label="Pod events"] tr[data-reason="Started"]').innerText(),
    ).toContain("Started container node-cache");

    const offload = page.locator('figure.chart[aria-label^="kube-dns offload: answered from this cache"]');
    await expect.poll(() => offload.locator("svg").count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0);
    expect(await offload.locator("figcaption").innerText()).toMatch(/vs sent upstream/);

    await page.goto(env.url);
    const mark = page.locator(`tr[data-node="${node}"] [data-conditions]`);
    await expect
      .poll(() => mark.getAttribute("data-conditions"), { timeout: UI_TIMEOUT_MS })
      .toBe("MemoryPressure=True");
    const other = env.cluster.description.nodes[1]!.name;
    await expect
      .poll(() => page.locator(`tr[data-node="${other}"]`).count(), { timeout: UI_TIMEOUT_MS })
      .toBe(1);
    expect(await page.locator(`tr[data-node="${other}"] [data-conditions]`).count()).toBe(0);
  });
});

describe("the Logs table at 1280 px", () => {
  const headers = () =>
    page
      .locator('.log-head [role="columnheader"]')
      .evaluateAll((hs) => hs.map((h) => h.getAttribute("data-column")));

  /** Every header's right edge is inside the table's visible box and the viewport: nothing chosen is off-screen. */
  async function everyHeaderOnScreen(): Promise<void> {
    const { right, offscreen } = await page.locator(".log-body").evaluate((body) => {
      const box = body.getBoundingClientRect();
      const visibleRight = Math.min(box.left + body.clientWidth, window.innerWidth);
      const out = [...body.querySelectorAll('[role="columnheader"]')]
        .filter((h) => h.getBoundingClientRect().right > visibleRight + 0.5)
        .map((h) => h.getAttribute("data-column"));
      return { right: visibleRight, offscreen: out };
    });
    expect(right).toBeLessThanOrEqual(1280);
    expect(offscreen).toEqual([]);
  }

  it("shows Rcode, Flags, Resp and Duration on screen; a column hidden or shown stays so after a reload", async () => {
    await page.goto(`${env.url}/logs`);
    await expect
      .poll(() => page.locator("[data-stream-status]").getAttribute("data-stream-status"), {
        timeout: UI_TIMEOUT_MS,
      })
      .toBe("open");
    const n = env.cluster.description.nodes[0]!;
    await expect
      .poll(
        async () => {
          await queryOnce({
            host: n.dns.address,
            port: n.dns.port,
            name: "columns.example.com.",
            type: "A",
            proto: "udp",
          });
          return page.locator('.log-row[data-kind="query"]').count();
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBeGreaterThan(0);
    expect(await headers()).toEqual([
      "time",
      "node",
      "client",
      "type",
      "name",
      "rcode",
      "flags",
      "resp",
      "duration",
    ]);
    await everyHeaderOnScreen();

    const chooser = page.locator(".log-toolbar .column-chooser");
    await chooser.locator("summary").click();
    await chooser.getByLabel("Client", { exact: true }).uncheck();
    await chooser.getByLabel("ID", { exact: true }).check();
    await expect
      .poll(headers, { timeout: UI_TIMEOUT_MS })
      .toEqual(["time", "node", "id", "type", "name", "rcode", "flags", "resp", "duration"]);
    // The query rows follow the header.
    expect(await page.locator('.log-row[data-kind="query"] .c-client').count()).toBe(0);
    expect(await page.locator('.log-row[data-kind="query"] .c-id').count()).toBeGreaterThan(0);

    await page.reload();
    await expect
      .poll(headers, { timeout: UI_TIMEOUT_MS })
      .toEqual(["time", "node", "id", "type", "name", "rcode", "flags", "resp", "duration"]);
    await everyHeaderOnScreen();
    // The overview's own column choice is separate.
    expect(await page.evaluate(() => window.localStorage.getItem("nldd.hiddenColumns"))).toBeNull();
  });
});
