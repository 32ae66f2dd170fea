/**
 * Token mode in the production build: a person pastes their own Kubernetes token at /login, the
 * dashboard checks it with the (simulated) API server and gives the browser only an opaque httpOnly
 * session cookie. The token never comes back in any response, cookie or script-visible state.
 */
import type { Browser, Page, Response as PwResponse } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, UI_TIMEOUT_MS } from "../support/browser";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";

let env: DemoEnv;
let browser: Browser;

beforeAll(async () => {
  env = await startDemoEnv({ addressBase: 210, nodes: 2, qps: 5, env: { DASHBOARD_AUTH: "token" } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

/** Every text body the page receives, to search for the token afterwards. */
function recordBodies(page: Page): string[] {
  const bodies: string[] = [];
  page.on("response", (r: PwResponse) => {
    const type = r.headers()["content-type"] ?? "";
    if (type.includes("event-stream")) return; // endless: never finishes
    r.text().then(
      (t) => bodies.push(`${r.url()}\n${JSON.stringify(r.headers())}\n${t}`),
      () => {},
    );
  });
  return bodies;
}

describe("token login", () => {
  it("refuses a bad token with a message that says what to do", async () => {
    const page = await browser.newPage();
    await page.goto(`${env.url}/login`);
    await page.getByLabel("Your Kubernetes bearer token").fill("not-a-real-token");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect
      .poll(() => page.locator("form [role=alert]").textContent(), { timeout: 30_000 })
      .toMatch(/did not accept this token.*kubectl create token/);
    expect(await page.context().cookies()).toEqual([]);
    await page.close();
  });

  it("logs a viewer in, the pages work, and the token appears nowhere the browser can read", async () => {
    const token = env.cluster.tokens.viewer;
    const page = await browser.newPage();
    const bodies = recordBodies(page);
    await page.goto(`${env.url}/login`);
    await expect
      .poll(() => page.getByRole("link", { name: "Log in" }).count(), { timeout: UI_TIMEOUT_MS })
      .toBe(1);
    await page.getByLabel("Your Kubernetes bearer token").fill(`Bearer ${token}`);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${env.url}/`, { timeout: 30_000 });
    // The overview works: its table fills from /api/nodes once React has hydrated.
    await expect.poll(() => page.locator("tbody tr").count(), { timeout: 60_000 }).toBe(2);
    await expect
      .poll(() => page.getByRole("button", { name: "Log out" }).count(), { timeout: UI_TIMEOUT_MS })
      .toBe(1);
    await page.getByRole("link", { name: "Logs" }).click();
    await page.waitForURL(/\/logs/);

    const cookies = await page.context().cookies();
    expect(cookies).toHaveLength(1);
    const session = cookies[0]!;
    expect(session).toMatchObject({ name: "nldd_session", httpOnly: true, sameSite: "Strict", path: "/" });
    expect(session.value).not.toContain(token);
    expect(await page.evaluate(() => document.cookie)).toBe("");
    const who = (await page.evaluate(() => fetch("/api/session").then((r) => r.json()))) as { user: string };
    expect(who.user).toMatch(/^token:[0-9a-f]{12}$/);

    const metrics = await (await fetch(`${env.url}/metrics`)).text();
    expect(metrics).toContain("nodelocaldns_dashboard_scrape_rounds_total");
    expect(metrics).not.toContain(token);
    await expect.poll(() => bodies.length, { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(3);
    for (const b of bodies) expect(b).not.toContain(token);
    expect(await page.content()).not.toContain(token);

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login/);
    await expect
      .poll(async () => (await page.context().cookies()).length, { timeout: UI_TIMEOUT_MS })
      .toBe(0);
    // The old session id no longer works even if someone kept it.
    const replay = await fetch(`${env.url}/api/session`, {
      headers: { cookie: `nldd_session=${session.value}` },
    });
    expect(((await replay.json()) as { user: string | null }).user).toBeNull();
    await page.close();
  });
});

describe("token mode without logging in", () => {
  it("cluster data is 401 for anonymous requests; health, readiness and /metrics answer", async () => {
    for (const path of [
      "/api/nodes",
      "/api/cluster",
      "/api/config",
      "/api/config/history",
      "/api/rollout",
      "/api/logs/stream",
    ]) {
      const res = await fetch(`${env.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message, path).toMatch(
        /log in at \/login/,
      );
    }
    for (const path of ["/healthz", "/metrics"])
      expect((await fetch(`${env.url}${path}`)).status, path).toBe(200);
    await expect.poll(async () => (await fetch(`${env.url}/readyz`)).status, { timeout: 60_000 }).toBe(200);
  });

  it("a burst of bad logins is throttled: the eleventh from one client is 429 with Retry-After", async () => {
    // One client, as the ingress names it in X-Forwarded-For (its last entry).
    const headers = { "content-type": "application/json", "x-forwarded-for": "203.0.113.9" };
    const answers = await Promise.all(
      Array.from({ length: 11 }, (_, i) =>
        fetch(`${env.url}/api/session`, {
          method: "POST",
          headers,
          body: JSON.stringify({ token: `bad-${i}` }),
        }),
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    const limited = answers.find((r) => r.status === 429);
    expect(limited?.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(((await limited!.json()) as { error: { message: string } }).error.message).toMatch(
      /too many login attempts/,
    );
    // Another client is not held up by it.
    const other = await fetch(`${env.url}/api/session`, {
      method: "POST",
      headers: { ...headers, "x-forwarded-for": "203.0.113.10" },
      body: JSON.stringify({ token: "bad" }),
    });
    expect(other.status).toBe(401);
  });
});
