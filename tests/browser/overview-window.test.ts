/**
 * The overview over more nodes than fit on screen (issue 15): the browser asks `/api/overview` for
 * the rows in its virtualised table only, refreshes carry what changed, a row scrolled into view is
 * asked for at once and shows the numbers `/api/nodes` has, and filtering covers every node — those
 * never on screen too — without a server round trip for the page.
 */
import type { Browser, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NodesResponse, OverviewResponse } from "@/lib/api-types";
import { launchChromium, UI_TIMEOUT_MS } from "../support/browser";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";
import { readCount } from "../support/pod-metrics";
import { waitFor } from "../support/ports";

const NODES = 60;

let env: DemoEnv;
let browser: Browser;
let page: Page;
/** Every /api/overview answer the page received, with the rows it asked for. */
const answers: { rows: string[]; body: OverviewResponse }[] = [];

beforeAll(async () => {
  env = await startDemoEnv({ addressBase: 134, nodes: NODES, qps: 5 });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("response", (r: Response) => {
    const url = new URL(r.url());
    if (url.pathname !== "/api/overview" || r.status() !== 200) return;
    r.json().then(
      (body: OverviewResponse) =>
        answers.push({ rows: url.searchParams.get("rows")?.split(",") ?? [], body }),
      // A refresh still in flight when the browser closes at the end has no body to read.
      () => undefined,
    );
  });
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

async function full(): Promise<NodesResponse> {
  return (await (await fetch(`${env.url}/api/nodes`)).json()) as NodesResponse;
}

describe(`the overview of ${NODES} nodes`, () => {
  it("asks for the rows in the table only, and refreshes with what changed", async () => {
    await page.goto(env.url);
    await expect
      .poll(() => page.getByTestId("shown-count").innerText(), { timeout: 60_000 })
      .toBe(`${NODES} nodes`);
    const domRows = await page.locator("tbody tr[data-node]").count();
    expect(domRows).toBeLessThan(NODES);
    await waitFor(
      "two refreshes after the first load",
      () => (answers.filter((a) => a.body.kind === "delta").length >= 2 ? true : undefined),
      60_000,
    );
    expect(answers[0]?.body.kind).toBe("full");
    expect(answers[0]?.body.table.n).toBe(NODES);
    for (const a of answers.slice(1)) {
      expect(a.rows.length).toBeLessThanOrEqual(domRows + 12);
      expect(a.body.window.n).toBe(a.rows.length);
    }
  });

  it("a row scrolled into view is asked for at once and shows what /api/nodes has", async () => {
    const last = `node-${NODES}`;
    expect(await page.locator(`tr[data-node="${last}"]`).count()).toBe(0);
    const asked = answers.length;
    await page.locator(".table-scroll").evaluate((el) => (el.scrollTop = el.scrollHeight));
    await waitFor(
      `an answer with ${last} on screen`,
      () => (answers.slice(asked).some((a) => a.rows.includes(last)) ? true : undefined),
      UI_TIMEOUT_MS,
      100,
    );
    const cell = page.locator(`tr[data-node="${last}"] td[data-field="hits"]`);
    await waitFor(
      `${last}'s hits as /api/nodes has them`,
      async () => {
        const shown = readCount(await cell.innerText());
        const truth = (await full()).nodes.find((r) => r.node === last)?.cache?.hits ?? -1;
        return Math.abs(shown.value - truth) <= shown.slack ? true : undefined;
      },
      60_000,
      250,
    );
  });

  it("filters over every node, also those never on screen, without asking for the page again", async () => {
    let documents = 0;
    page.on("request", (r) => {
      if (r.resourceType() === "document") documents++;
    });
    await page.locator(".table-scroll").evaluate((el) => (el.scrollTop = 0));
    await page.getByLabel("Filter nodes by name, pod, CoreDNS version or image").fill("node-5");
    // node-5 and node-50 … node-59: most of them were never in the table's DOM.
    await expect
      .poll(() => page.getByTestId("shown-count").innerText(), { timeout: UI_TIMEOUT_MS })
      .toBe(`11 of ${NODES} nodes`);
    await page.getByRole("button", { name: /^Node/ }).click();
    await expect
      .poll(() => page.locator("tbody tr[data-node]").first().getAttribute("data-node"), {
        timeout: UI_TIMEOUT_MS,
      })
      .toBe("node-59");
    expect(new URL(page.url()).searchParams.get("q")).toBe("node-5");
    expect(documents).toBe(0);
  });
});
