/**
 * The Logs page keeps what it has: a filter change refines the lines on screen in the browser while the
 * server narrows what arrives; a filter the server refuses says why at the filter box; lines from
 * different nodes are in kubelet-time order however late they arrive; the stream limit's 429 is shown.
 */
import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryOnce } from "../../sim/dns/traffic";
import { launchChromium } from "../support/browser";
import { enableQueryLogging } from "../support/corefile-admin";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";
import { waitFor } from "../support/ports";

const STREAMS_PER_USER = 4;
let env: DemoEnv;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  env = await startDemoEnv({
    addressBase: 50,
    nodes: 2,
    qps: 0,
    env: { DASHBOARD_LOG_STREAMS_PER_USER: String(STREAMS_PER_USER) },
  });
  await enableQueryLogging(env.cluster.kubeconfigPath);
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

const node = (i: number) => env.cluster.description.nodes[i]!;
async function ask(i: number, name: string): Promise<void> {
  const n = node(i);
  await queryOnce({ host: n.dns.address, port: n.dns.port, name, type: "A", proto: "udp" });
}
const rowsNamed = (tag: string) => page.locator(`.log-row[data-kind="query"] .c-name`, { hasText: tag });
const namesShown = () => page.locator(`.log-row[data-kind="query"] .c-name`).allInnerTexts();
const status = () => page.locator("[data-stream-status]").getAttribute("data-stream-status");
const nameBox = () => page.getByPlaceholder("substring or /regex/");

describe("the Logs page's buffer", () => {
  it("a narrower filter refines the lines on screen, a wider one brings them back", async () => {
    await page.goto(`${env.url}/logs`);
    await expect.poll(status, { timeout: 30_000 }).toBe("open");
    const run = randomUUID().slice(0, 8);
    const keep = `keep-${run}`;
    const other = `other-${run}`;
    // The pods pick the logging Corefile up by reloading; ask until both lines show.
    await waitFor(
      "both query lines in the table",
      async () => {
        if ((await rowsNamed(keep).count()) === 0) await ask(0, `${keep}.example.com.`);
        if ((await rowsNamed(other).count()) === 0) await ask(0, `${other}.example.com.`);
        return (await rowsNamed(keep).count()) > 0 && (await rowsNamed(other).count()) > 0 ? true : undefined;
      },
      60_000,
      500,
    );
    // Push both lines out of the pod's log tail (20 lines), which a reopened stream replays: what
    // stays on screen after a filter change must be the page's own buffer.
    const filler = `fill-${run}`;
    for (let i = 0; i < 25; i++) await ask(0, `${filler}-${i}.example.com.`);
    await expect.poll(() => rowsNamed(`${filler}-24.`).count(), { timeout: 30_000 }).toBe(1);
    const keptBefore = await rowsNamed(keep).count();

    await nameBox().fill(keep);
    await expect.poll(() => new URL(page.url()).searchParams.get("name"), { timeout: 10_000 }).toBe(keep);
    // Without asking again: the lines already received are refined, not thrown away.
    await expect
      .poll(async () => (await namesShown()).every((n) => n.includes(keep)), { timeout: 10_000 })
      .toBe(true);
    await expect.poll(status, { timeout: 30_000 }).toBe("open");
    expect(await rowsNamed(keep).count()).toBeGreaterThanOrEqual(keptBefore);

    // The reopened stream narrows what arrives: a non-matching line asked first never shows.
    const late = `${other}-late`;
    await ask(0, `${late}.example.com.`);
    await waitFor(
      "a new matching line",
      async () => {
        await ask(0, `${keep}-new.example.com.`);
        return (await rowsNamed(`${keep}-new`).count()) > 0 ? true : undefined;
      },
      30_000,
      500,
    );
    expect(await rowsNamed(late).count()).toBe(0);
    expect(await page.getByTestId("log-coverage").count()).toBe(0);

    // Wider again: the lines kept come back, and the page says older non-matching ones may be missing.
    await nameBox().fill("");
    await expect.poll(() => new URL(page.url()).searchParams.get("name"), { timeout: 10_000 }).toBeNull();
    await expect.poll(() => rowsNamed(other).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await rowsNamed(keep).count()).toBeGreaterThanOrEqual(keptBefore);
    await expect.poll(() => page.getByTestId("log-coverage").count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId("log-coverage").innerText()).toMatch(/are not available/);
  });

  it("a name regex the server refuses shows the API's own message at the filter box, and keeps the lines", async () => {
    const shownBefore = (await namesShown()).length;
    expect(shownBefore).toBeGreaterThan(0);
    const bad = "/(a)\\1/";
    const api = await fetch(`${env.url}/api/logs/stream?name=${encodeURIComponent(bad)}`);
    expect(api.status).toBe(400);
    const message = ((await api.json()) as { error: { message: string } }).error.message;
    expect(message).toMatch(/not a regular expression this filter runs/);

    await nameBox().fill(bad);
    const shown = page.getByTestId("filter-error");
    await shown.waitFor({ timeout: 30_000 });
    expect(await shown.innerText()).toBe(message);
    expect(await nameBox().getAttribute("aria-invalid")).toBe("true");
    expect(await status()).toBe("stopped");
    expect(await page.getByText("disconnected").count()).toBe(0);
    expect((await namesShown()).length).toBe(shownBefore);

    await nameBox().fill("");
    await expect.poll(status, { timeout: 30_000 }).toBe("open");
    expect(await page.getByTestId("filter-error").count()).toBe(0);
  });

  it("lines from two nodes are in kubelet-time order, even when one node's lines arrive later", async () => {
    const run = `ord-${randomUUID().slice(0, 8)}`;
    await nameBox().fill(run);
    await expect.poll(() => new URL(page.url()).searchParams.get("name"), { timeout: 10_000 }).toBe(run);
    // Only the second node's lines stream for now: pick it in the node picker, from the keyboard.
    const picker = page.getByRole("combobox", { name: "Nodes" });
    await picker.click();
    await picker.fill(node(1).name);
    await page.getByRole("option", { name: node(1).name, exact: true }).waitFor({ timeout: 10_000 });
    await picker.press("Enter");
    await picker.press("Escape");
    await expect
      .poll(() => new URL(page.url()).searchParams.get("node"), { timeout: 10_000 })
      .toBe(node(1).name);
    await expect.poll(status, { timeout: 30_000 }).toBe("open");

    // Interleaved in time: first node, second node, first, second, ...
    const asked: string[] = [];
    for (const round of ["a", "b", "c"]) {
      for (const i of [0, 1]) {
        const name = `${run}-${round}${i}.example.com.`;
        await ask(i, name);
        asked.push(name);
        // The next line is logged in a later millisecond (the simulated kubelet's timestamps are
        // milliseconds plus made-up digits, so two pods' lines of one millisecond may tie).
        const done = Date.now();
        await expect.poll(() => Date.now() > done).toBe(true);
      }
    }
    await expect.poll(() => rowsNamed(run).count(), { timeout: 30_000 }).toBe(3);

    // Widen to every node: the first node's lines come now (its pod's log tail), after the second's.
    await page.getByRole("button", { name: `Remove ${node(1).name}` }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("node"), { timeout: 10_000 }).toBeNull();
    await expect.poll(() => rowsNamed(run).count(), { timeout: 30_000 }).toBe(6);
    const rows = page.locator(`.log-row[data-kind="query"]`, { hasText: run });
    expect(await rows.locator(".c-name").allInnerTexts()).toEqual(asked);
    const times = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-time") ?? ""));
    expect(times.every((t) => t !== "")).toBe(true);
    expect(times.map((t) => Date.parse(t))).toEqual(times.map((t) => Date.parse(t)).sort((a, b) => a - b));
    expect(
      [...new Set(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-node"))))].sort(),
    ).toEqual([node(0).name, node(1).name].sort());
  });

  it("a 429 from the stream limit is shown with the server's message, not as 'disconnected'", async () => {
    const held: AbortController[] = [];
    try {
      // This person's whole allowance is held here, so nothing else can free a slot while the second
      // page asks: the first page leaves /logs (its stream's slot is given back when the server sees
      // it close, which may be after a moment), and a 429 meanwhile is waited out, not counted.
      await page.goto("about:blank");
      await waitFor(
        `${STREAMS_PER_USER} log streams held by this person`,
        async () => {
          const a = new AbortController();
          const res = await fetch(`${env.url}/api/logs/stream`, { signal: a.signal });
          if (res.status === 200) held.push(a);
          else {
            expect(res.status).toBe(429);
            a.abort();
          }
          return held.length === STREAMS_PER_USER ? true : undefined;
        },
        30_000,
        100,
      );
      const api = await fetch(`${env.url}/api/logs/stream`);
      expect(api.status).toBe(429);
      const message = ((await api.json()) as { error: { message: string } }).error.message;
      const second = await browser.newPage();
      await second.goto(`${env.url}/logs`);
      const banner = second.getByTestId("log-stream-problem");
      await banner.waitFor({ timeout: 30_000 });
      expect(await banner.getAttribute("data-status")).toBe("429");
      expect(await banner.innerText()).toContain(message);
      expect(await second.locator("[data-stream-status]").getAttribute("data-stream-status")).toBe(
        "retrying",
      );
      await second.close();
    } finally {
      for (const a of held) a.abort();
    }
  });
});
