/**
 * The production build in Chromium under its Content Security Policy: every page loads and runs
 * with no CSP violation (Next.js's inline scripts carry the per-request nonce), the security headers
 * are on pages and API answers, and a real cross-site form POST from another site is refused.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";

let env: DemoEnv;
let browser: Browser;

beforeAll(async () => {
  env = await startDemoEnv({ addressBase: 154, nodes: 2, qps: 5 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

/** A page that records every CSP violation (DOM event and console message) from its first script on. */
async function watchedPage(): Promise<{ page: Page; violations: () => Promise<string[]> }> {
  const page = await browser.newPage();
  const console: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) console.push(m.text());
  });
  // Injected by the DevTools protocol, so the page's CSP does not apply to this listener itself.
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  return {
    page,
    violations: async () => [
      ...console,
      ...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)),
    ],
  };
}

describe("security headers and CSP in the production build", () => {
  it("loads the overview, a node page and the logs page with no CSP violation and working scripts", async () => {
    const { page, violations } = await watchedPage();
    const node = env.cluster.description.nodes[0]!.name;
    const res = await page.goto(env.url);
    const csp = res!.headers()["content-security-policy"] ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(res!.headers()["x-frame-options"]).toBe("DENY");
    expect(res!.headers()["x-content-type-options"]).toBe("nosniff");
    // Rows appear only once React has hydrated and fetched /api/nodes: the scripts ran.
    await expect.poll(() => page.locator("tbody tr").count(), { timeout: 60_000 }).toBe(2);
    // Client-side navigation, then full loads of the other pages.
    await page.locator(`a[href="/nodes/${node}"]`).first().click();
    await page.waitForURL(`**/nodes/${node}`);
    await page.goto(`${env.url}/nodes/${node}`);
    // The numbers come from the browser's own fetch of /api/nodes/[node]: its scripts ran.
    await expect
      .poll(() => page.locator('[data-stat="Hits"]').innerText(), { timeout: 30_000 })
      .toMatch(/^\d/);
    await page.goto(`${env.url}/logs`);
    // "live" only once the page's script has opened the EventSource to /api/logs/stream.
    await expect
      .poll(() => page.locator("[data-stream-status]").getAttribute("data-stream-status"), {
        timeout: 30_000,
      })
      .toBe("open");
    expect(await violations()).toEqual([]);
    await page.close();
  });

  it("blocks an inline script without the nonce, and the violation is seen (the detector above works)", async () => {
    const { page, violations } = await watchedPage();
    // Like stored XSS: the server's own page, with its CSP header, plus a script tag it did not write.
    await page.route(`${env.url}/logs`, async (route) => {
      const res = await route.fetch();
      const body = (await res.text()).replace("</body>", "<script>window.__injected = true</script></body>");
      await route.fulfill({ response: res, body });
    });
    await page.goto(`${env.url}/logs`);
    await expect.poll(async () => (await violations()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(
      await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected),
    ).toBeUndefined();
    await page.close();
  });

  it("uses a different nonce on every response", async () => {
    const a = (await fetch(env.url)).headers.get("content-security-policy");
    const b = (await fetch(env.url)).headers.get("content-security-policy");
    expect(a).not.toBe(b);
  });

  it("puts the headers on API answers too", async () => {
    const res = await fetch(`${env.url}/api/nodes`);
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("refuses a form POST from another site with a 403 that says why", async () => {
    // The attacker's page: another site (localhost is not the same site as 127.0.0.1).
    const evil = http.createServer((_, res) => {
      res.setHeader("content-type", "text/html");
      res.end(
        `<form id="f" method="POST" action="${env.url}/api/rollout/restart"><input name="x" value="1"></form>` +
          `<script>document.getElementById("f").submit()</script>`,
      );
    });
    await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
    try {
      const page = await browser.newPage();
      const answer = page.waitForResponse((r) => r.url().endsWith("/api/rollout/restart"));
      await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
      const res = await answer;
      expect(res.status()).toBe(403);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toContain("Sec-Fetch-Site: cross-site");
      await page.close();
    } finally {
      await new Promise((r) => evil.close(r));
    }
  });
});
