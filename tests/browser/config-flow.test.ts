/**
 * The whole Config flow in a browser against the demo cluster: turn query logging on, preview the
 * diff, apply with a restart, watch the pods be replaced until the new Corefile is live on every
 * node, then see query lines arrive on the Logs page.
 */
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";
import { freePort } from "../support/ports";
import { startNextServer } from "../../scripts/next-server";

const NODES = 3;
let env: DemoEnv;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  env = await startDemoEnv({ addressBase: 130, nodes: NODES, qps: 10 });
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

describe("the Config page", () => {
  it("shows one card per server block, with log off and the cache sizes", async () => {
    await page.goto(`${env.url}/config`);
    const cards = page.locator("section[data-block]");
    await expect.poll(() => cards.count(), { timeout: 60_000 }).toBe(4);
    expect(await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-block")))).toEqual([
      "cluster.local:53",
      "in-addr.arpa:53",
      "ip6.arpa:53",
      ".:53",
    ]);
    const cluster = page.locator('section[data-block="cluster.local:53"]');
    expect(await cluster.locator('input[data-field="log"]').isChecked()).toBe(false);
    expect(await cluster.locator('input[data-field="successCapacity"]').inputValue()).toBe("9984");
  });

  it("links to a block with ?block= and shows the raw Corefile one click away", async () => {
    await page.locator('section[data-block=".:53"] h3 button').click();
    await expect.poll(() => new URL(page.url()).searchParams.get("block")).toBe(".:53");
    expect(await page.locator('section[data-block=".:53"]').getAttribute("class")).toContain(
      "cfg-block-selected",
    );
    await page.getByRole("button", { name: "Raw Corefile" }).click();
    await expect.poll(() => page.getByLabel("Raw Corefile").inputValue()).toContain("cluster.local:53 {");
    await page.getByRole("button", { name: "Blocks" }).click();
    await expect.poll(() => page.locator("section[data-block]").count()).toBe(4);
  });

  it("turns logging on, previews the diff, applies, and watches the rollout to completion", async () => {
    // Keyboard: focus "All on" and press Enter.
    await page.getByRole("button", { name: "All on" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByTestId("preview");
    await preview.waitFor({ timeout: 30_000 });
    const added = await preview.locator('[data-diff="add"]').allInnerTexts();
    expect(added.map((t) => t.trim())).toEqual(
      ["+    log", "+    log", "+    log", "+    log"].map((t) => t.trim()),
    );
    expect(await preview.locator('[data-diff="del"]').count()).toBe(0);
    expect(await preview.locator("[data-validation]").getAttribute("data-validation")).toBe("ok");
    expect(await preview.locator("[data-dry-run]").getAttribute("data-dry-run")).toBe("accepted");
    expect(await preview.getByRole("checkbox", { name: /Also restart/ }).isChecked()).toBe(true);

    await preview.getByRole("button", { name: "Apply" }).click();
    await page.getByTestId("applied").waitFor({ timeout: 30_000 });
    const rollout = page.getByTestId("rollout");
    // Every node's pod replaced by the new revision, ready, and the new Corefile live there.
    await expect
      .poll(
        async () => ({
          phase: await rollout.getAttribute("data-phase"),
          newPods: await rollout.locator('tr[data-revision="new"]').count(),
          live: await rollout.locator('[data-live="live-restarted"]').count(),
        }),
        { timeout: 90_000, interval: 500 },
      )
      .toEqual({ phase: "complete", newPods: NODES, live: NODES });
    expect(await rollout.locator('[data-count="updated"]').innerText()).toBe(String(NODES));
    expect(await rollout.locator('[data-count="available"]').innerText()).toBe(String(NODES));
    // The change is in the history, with who made it.
    const row = page.getByTestId("history").locator('tr[data-action="apply"]').first();
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toContain("log on in cluster.local:53");
    // Local mode: the change is recorded as the kubeconfig user the dashboard runs as — its ServiceAccount.
    expect(await row.innerText()).toContain("nodelocal-dns-dashboard");
  });

  it("query log lines arrive on the Logs page", async () => {
    await page.goto(`${env.url}/logs`);
    await expect
      .poll(() => page.locator('[data-kind="query"]').count(), { timeout: 60_000, interval: 500 })
      .toBeGreaterThan(0);
  });

  it("a crash-looping rollout is shown as failing, and Roll back brings every node back", async () => {
    // A bad Corefile from outside the dashboard (our validator would refuse it), then a restart.
    const kc = new KubeConfig();
    kc.loadFromFile(env.cluster.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    const cm = await core.readNamespacedConfigMap({ name: "node-local-dns", namespace: "kube-system" });
    const good = cm.data?.["Corefile"] ?? "";
    await core.replaceNamespacedConfigMap({
      name: "node-local-dns",
      namespace: "kube-system",
      body: { ...cm, data: { Corefile: good.replace("cache 30", "cache -5") } },
    });
    expect((await fetch(`${env.url}/api/rollout/restart`, { method: "POST" })).status).toBe(200);
    await page.goto(`${env.url}/config`);
    const alert = page.getByTestId("rollout").getByRole("alert");
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.innerText()).toMatch(/The rollout is failing on node-\d/);
    await alert.getByRole("button", { name: /Roll back/ }).click();
    const rollout = page.getByTestId("rollout");
    await expect
      .poll(
        async () => ({
          phase: await rollout.getAttribute("data-phase"),
          failing: await rollout.getByRole("alert").count(),
          newPods: await rollout.locator('tr[data-revision="new"]').count(),
        }),
        { timeout: 90_000, interval: 500 },
      )
      .toEqual({ phase: "complete", failing: 0, newPods: NODES });
    const stored = await core.readNamespacedConfigMap({ name: "node-local-dns", namespace: "kube-system" });
    expect(stored.data?.["Corefile"]).not.toContain("cache -5");
    await expect
      .poll(() => page.getByTestId("history").locator('tr[data-action="rollback"]').count(), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
  });
});

describe("the HTTP API and the 409 flow", () => {
  const api = (path: string, init?: RequestInit) =>
    fetch(`${env.url}${path}`, { ...init, headers: { "content-type": "application/json" } });

  it("answers 422 with every problem for a bad body, and 409 with both texts for a stale version", async () => {
    const bad = await api("/api/config", {
      method: "PUT",
      body: JSON.stringify({ edits: [{ op: "nope" }] }),
    });
    expect(bad.status).toBe(422);
    const badBody = (await bad.json()) as { error: { message: string; details: { problems: string[] } } };
    expect(badBody.error.details.problems.join("\n")).toMatch(/resourceVersion is required/);

    const config = (await (await api("/api/config")).json()) as { resourceVersion: string; corefile: string };
    const first = await api("/api/config", {
      method: "PUT",
      body: JSON.stringify({
        resourceVersion: config.resourceVersion,
        edits: [{ op: "setCacheTtl", block: "ip6.arpa:53", ttl: 40 }],
        restart: false,
      }),
    });
    expect(first.status).toBe(200);
    const stale = await api("/api/config", {
      method: "PUT",
      body: JSON.stringify({
        resourceVersion: config.resourceVersion,
        corefile: config.corefile,
        restart: false,
      }),
    });
    expect(stale.status).toBe(409);
    const conflict = (await stale.json()) as {
      error: { status: number };
      current: { resourceVersion: string; corefile: string };
      yours: { corefile: string };
    };
    expect(conflict.error.status).toBe(409);
    expect(conflict.current.corefile).toMatch(/ip6\.arpa:53 \{[\s\S]*?cache 40/);
    expect(conflict.yours.corefile).toBe(config.corefile);
  });

  it("an edit made in the page on an old version shows the conflict, and keeps the edit on top of the new text", async () => {
    await page.goto(`${env.url}/config`);
    const denial = page.locator('section[data-block=".:53"] input[data-field="denialCapacity"]');
    await denial.waitFor({ timeout: 30_000 });
    await denial.fill("4096");
    // Someone else writes in between.
    const config = (await (await api("/api/config")).json()) as { resourceVersion: string };
    const other = await api("/api/config", {
      method: "PUT",
      body: JSON.stringify({
        resourceVersion: config.resourceVersion,
        edits: [{ op: "setCacheTtl", block: "in-addr.arpa:53", ttl: 41 }],
        restart: false,
      }),
    });
    expect(other.status).toBe(200);
    await page.getByRole("button", { name: "Preview" }).click();
    const panel = page.getByTestId("conflict");
    await panel.waitFor({ timeout: 30_000 });
    expect(await panel.innerText()).toContain("changed underneath you");
    // What the other writer changed (the version the page loaded → current), and who, from the history.
    const theirs = await panel.getByTestId("conflict-theirs").locator('[data-diff="add"]').allInnerTexts();
    expect(theirs.join("\n")).toMatch(/^\+\s+cache 41$/m);
    expect(await panel.innerText()).toMatch(/— by \S+/);
    await panel.getByRole("button", { name: "Load the current version and keep my edits" }).click();
    await expect.poll(() => denial.inputValue()).toBe("4096");
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByTestId("preview");
    await preview.waitFor({ timeout: 30_000 });
    // Only the operator's own edit; the other writer's `cache 41` stays.
    const added = await preview.locator('[data-diff="add"]').allInnerTexts();
    const removed = await preview.locator('[data-diff="del"]').allInnerTexts();
    expect(added.join("\n")).toMatch(/denial 4096/);
    expect(removed.join("\n")).not.toMatch(/41/);
    expect(added.join("\n")).not.toMatch(/cache 30$/m);
  });
});

describe("a read-only user", () => {
  it("sees the Corefile without controls, and which permission is missing", async () => {
    const viewer = await startNextServer({
      mode: "prod",
      port: await freePort(),
      env: {
        KUBECONFIG: env.cluster.kubeconfigPath,
        DASHBOARD_CONTEXT: "sim-viewer",
        DASHBOARD_SCRAPE_INTERVAL_MS: "1000",
      },
    });
    try {
      const p = await browser.newPage();
      await p.goto(`${viewer.url}/config`);
      const note = p.getByTestId("read-only");
      await note.waitFor({ timeout: 60_000 });
      expect(await note.innerText()).toContain('"update" on configmaps/node-local-dns');
      expect(await p.locator("section[data-block]").count()).toBe(4);
      expect(await p.getByRole("button", { name: "Preview" }).count()).toBe(0);
      expect(await p.locator('section[data-block=".:53"] input[data-field="log"]').isDisabled()).toBe(true);
      await p.close();
    } finally {
      await viewer.stop();
    }
  });
});
