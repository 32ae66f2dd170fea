/**
 * `npm run demo -- --mode cilium-lrp` in the browser: seed 003's Cilium Local Redirect Policy layout,
 * the dashboard as its ServiceAccount under deploy/'s RBAC plus deploy/cilium's optional rules. Every
 * node page says "reached through the redirect policy kube-system/nodelocaldns", the overview counts
 * them, the Config page names the network policy at risk; after `kubectl delete` of the policy every
 * node carries the warning, and the overview its banner.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";
import { deployCiliumRbacObjects } from "../support/deploy-rbac";
import { kubectlTool } from "../support/tools";

const kubectlBin = kubectlTool();
// Async, never execSync: the simulated API server answers kubectl on this same event loop.
const run = promisify(execFile);
const POLICY = "kube-system/nodelocaldns";

let env: DemoEnv;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  env = await startDemoEnv({
    addressBase: 24,
    nodes: 3,
    qps: 10,
    mode: "cilium-lrp",
    extraObjects: deployCiliumRbacObjects(),
  });
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

const panelText = () => page.getByTestId("reachability-text").innerText();

describe("the Cilium Local Redirect Policy demo", () => {
  it("every node's page: reached through the redirect policy", async () => {
    for (const node of env.cluster.description.nodes) {
      await page.goto(`${env.url}/nodes/${node.name}`);
      await expect
        .poll(panelText, { timeout: 30_000 })
        .toMatch(`reached through the redirect policy ${POLICY}`);
      expect(await page.locator("[data-verdict]").getAttribute("data-verdict")).toBe("redirected");
      // The bind-all listener is where the queries arrive.
      const row = page.locator("tr", { has: page.getByText("dns://0.0.0.0:53", { exact: true }) });
      await expect(row.innerText()).resolves.toMatch(/all interfaces/);
    }
  });

  it("the overview counts every node reached, through the policy", async () => {
    await page.goto(env.url);
    const card = page.locator('[data-card="Pods reach the cache"]');
    await expect.poll(() => card.innerText(), { timeout: 30_000 }).toBe("3/3");
    await expect(page.locator(".card", { has: card }).innerText()).resolves.toContain(
      `through the redirect policy ${POLICY}`,
    );
    const cells = page.locator('td[data-field="reached"]');
    await expect
      .poll(() => cells.allInnerTexts(), { timeout: 30_000 })
      .toEqual(Array(3).fill(`via ${POLICY}`));
    expect(await page.getByTestId("redirect-banner").count()).toBe(0);
  });

  it("the Config page names the CiliumNetworkPolicy the redirect breaks", async () => {
    await page.goto(`${env.url}/config`);
    const warning = page.locator('[data-warning="cilium-network-policy"]');
    await expect
      .poll(() => warning.innerText(), { timeout: 30_000 })
      .toMatch(/At risk now: default\/dns-client-egress/);
  });

  it.skipIf(kubectlBin.skip)(
    "after kubectl deletes the policy: the warning on every node and the overview",
    async () => {
      kubectlBin.require();
      const { stdout } = await run(
        kubectlBin.path,
        [
          "--kubeconfig",
          env.cluster.kubeconfigPath,
          "delete",
          "ciliumlocalredirectpolicy",
          "nodelocaldns",
          "-n",
          "kube-system",
        ],
        { timeout: 60_000 },
      );
      expect(stdout.trim()).toBe('ciliumlocalredirectpolicy.cilium.io "nodelocaldns" deleted');
      await page.goto(env.url);
      await expect
        .poll(() => page.getByTestId("redirect-banner").innerText(), { timeout: 30_000 })
        .toMatch(/no policy redirects to the caches/);
      await expect
        .poll(() => page.locator('td[data-field="reached"]').allInnerTexts(), { timeout: 30_000 })
        .toEqual(Array(3).fill("no redirect policy"));
      for (const node of env.cluster.description.nodes) {
        await page.goto(`${env.url}/nodes/${node.name}`);
        await expect
          .poll(panelText, { timeout: 30_000 })
          .toMatch(/No CiliumLocalRedirectPolicy selects this pod/);
        expect(await page.locator("[data-verdict]").getAttribute("data-verdict")).toBe("no-redirect-policy");
      }
    },
  );
});
