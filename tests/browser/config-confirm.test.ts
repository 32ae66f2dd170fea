/**
 * The Config page's second thoughts: the memory estimate follows the capacity being typed (before any
 * Preview) with the edited field marked, and a rollback shows what it will restore and restart and
 * asks first — cancelling writes nothing.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";

const NODES = 3;
let env: DemoEnv;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  env = await startDemoEnv({ addressBase: 54, nodes: NODES, qps: 2 });
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

const api = (path: string, init?: RequestInit) =>
  fetch(`${env.url}${path}`, { ...init, headers: { "content-type": "application/json" } });
const readConfig = async () =>
  (await (await api("/api/config")).json()) as { resourceVersion: string; corefile: string };
const estimate = () => page.getByTestId("memory-estimate").first();
const totalBytes = async () => Number(await estimate().getAttribute("data-total-bytes"));

describe("the memory estimate while editing", () => {
  it("changes as a capacity is typed, and the field says it changed", async () => {
    await page.goto(`${env.url}/config`);
    const card = page.locator('section[data-block="cluster.local:53"]');
    const field = card.locator('input[data-field="successCapacity"]');
    await field.waitFor({ timeout: 30_000 });
    // The field's own label (the locator inside `has` is relative to the label).
    const label = card.locator("label", { has: page.locator('input[data-field="successCapacity"]') });
    const before = await totalBytes();
    expect(before).toBeGreaterThan(0);
    expect(await label.getAttribute("data-changed")).toBeNull();

    await field.fill("");
    await field.pressSequentially("100000");
    await expect.poll(totalBytes, { timeout: 30_000 }).toBeGreaterThan(before + 200 * 1024 * 1024);
    expect(await label.getAttribute("data-changed")).toBe("true");
    expect(await label.innerText()).toContain("changed");
    expect(await estimate().getAttribute("data-edited")).toBe("true");
    expect(await estimate().innerText()).toMatch(/with your edits/);
    // Nothing was previewed: the estimate is the browser's own, and agrees with Preview's.
    expect(await page.getByTestId("preview").count()).toBe(0);
    const live = await totalBytes();
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByTestId("preview");
    await preview.waitFor({ timeout: 30_000 });
    expect(Number(await preview.getByTestId("memory-estimate").getAttribute("data-total-bytes"))).toBe(live);
    await preview.getByRole("button", { name: "Back to editing" }).click();

    await field.fill("9984");
    await expect.poll(totalBytes, { timeout: 30_000 }).toBe(before);
    expect(await label.getAttribute("data-changed")).toBeNull();
  });
});

describe("rollback", () => {
  it("shows the diff and what restarts, and asks; cancelling changes nothing", async () => {
    const config = await readConfig();
    const applied = await api("/api/config", {
      method: "PUT",
      body: JSON.stringify({
        resourceVersion: config.resourceVersion,
        edits: [{ op: "setCache", block: "cluster.local:53", tier: "success", capacity: 5000 }],
        restart: false,
      }),
    });
    expect(applied.status).toBe(200);
    const after = await readConfig();
    expect(after.corefile).toMatch(/success 5000/);

    await page.goto(`${env.url}/config`);
    const row = page.getByTestId("history").locator('tr[data-action="apply"]').first();
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole("button", { name: "Roll back to before this" }).click();

    const dialog = page.getByRole("dialog", { name: "Roll back the Corefile?" });
    await dialog.waitFor({ timeout: 10_000 });
    await expect
      .poll(() => dialog.locator('[data-diff="del"]').allInnerTexts(), { timeout: 30_000 })
      .toEqual([expect.stringMatching(/success 5000/)]);
    expect(await dialog.locator('[data-diff="add"]').allInnerTexts()).toEqual([
      expect.stringMatching(/success 9984/),
    ]);
    const restart = dialog.getByTestId("rollback-restart");
    await expect.poll(() => restart.innerText(), { timeout: 30_000 }).toMatch(new RegExp(`${NODES} pods`));
    expect(await restart.innerText()).toMatch(/kube-system\/node-local-dns/);
    expect(await restart.innerText()).toMatch(/at most \S+ at a time \(maxUnavailable\)/);
    // The safe choice has the focus.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");

    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => page.getByRole("dialog").count(), { timeout: 10_000 }).toBe(0);
    expect(await readConfig()).toEqual(after);
    expect(await page.getByTestId("history").locator('tr[data-action="rollback"]').count()).toBe(0);

    // Escape closes it too; confirming rolls back.
    await row.getByRole("button", { name: "Roll back to before this" }).click();
    await dialog.waitFor({ timeout: 10_000 });
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count(), { timeout: 10_000 }).toBe(0);
    expect((await readConfig()).resourceVersion).toBe(after.resourceVersion);

    await row.getByRole("button", { name: "Roll back to before this" }).click();
    await dialog.getByRole("button", { name: /^Roll back and restart 3 pods/ }).click();
    await expect
      .poll(() => page.getByTestId("history").locator('tr[data-action="rollback"]').count(), {
        timeout: 30_000,
      })
      .toBe(1);
    expect((await readConfig()).corefile).toBe(config.corefile);
  });
});
