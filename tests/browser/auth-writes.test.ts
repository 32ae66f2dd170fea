/**
 * Changes are made as the person asking, so Kubernetes RBAC decides (issue 6). Runs the production
 * server behind a pretend authenticating proxy (DASHBOARD_AUTH=proxy): the test sends the headers an
 * oauth2-proxy-style ingress would. Then read-only mode.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoEnv, type DemoEnv } from "../support/demo-env";

const SECRET = "test-proxy-secret-0123456789";
let env: DemoEnv;

beforeAll(async () => {
  env = await startDemoEnv({
    addressBase: 240,
    nodes: 2,
    qps: 0,
    env: { DASHBOARD_AUTH: "proxy", DASHBOARD_PROXY_SECRET: SECRET },
  });
});
afterAll(async () => {
  await env?.stop();
});

function asPerson(user: string | null, groups: string[] = [], secret = SECRET): Record<string, string> {
  const h: Record<string, string> = { "content-type": "application/json" };
  if (user) {
    h["x-dashboard-proxy-secret"] = secret;
    h["x-forwarded-user"] = user;
    if (groups.length) h["x-forwarded-groups"] = groups.join(",");
  }
  return h;
}

async function config(headers: Record<string, string>) {
  const res = await fetch(`${env.url}/api/config`, { headers });
  return (await res.json()) as {
    resourceVersion: string;
    access: { canEdit: boolean; missing: string | null };
  };
}

async function turnLogOn(headers: Record<string, string>, resourceVersion: string) {
  const res = await fetch(`${env.url}/api/config`, {
    method: "PUT",
    headers,
    body: JSON.stringify({
      resourceVersion,
      edits: [{ op: "setLog", block: "cluster.local:53", on: true }],
      restart: false,
    }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { error?: { message: string }; change?: { user: string } } & Record<
      string,
      unknown
    >,
  };
}

describe("writes as the person asking (proxy mode)", () => {
  it("a write without a trusted identity is 401 and says how to sign in", async () => {
    const { resourceVersion } = await config(asPerson("alice", ["system:masters"]));
    const none = await turnLogOn(asPerson(null), resourceVersion);
    expect(none.status).toBe(401);
    expect(none.body.error?.message).toMatch(/not logged in/);
    // Forwarded headers without the proxy's secret are not trusted either.
    const forged = await turnLogOn(asPerson("alice", ["system:masters"], "wrong"), resourceVersion);
    expect(forged.status).toBe(401);
  });

  it("a person without RBAC permission gets 403 naming the missing permission, and sees read-only", async () => {
    const view = await config(asPerson("viewer"));
    expect(view.access.canEdit).toBe(false);
    expect(view.access.missing).toMatch(/configmaps/);
    const denied = await turnLogOn(asPerson("viewer"), view.resourceVersion);
    expect(denied.status).toBe(403);
    expect(denied.body.error?.message).toMatch(/User "viewer" cannot (update|patch) resource "configmaps"/);
  });

  it("a permitted person's change goes through and is recorded under their name", async () => {
    const admin = asPerson("alice", ["system:masters"]);
    const { resourceVersion, access } = await config(admin);
    expect(access.canEdit).toBe(true);
    const ok = await turnLogOn(admin, resourceVersion);
    expect(ok.status).toBe(200);
    const history = (await (await fetch(`${env.url}/api/config/history`, { headers: admin })).json()) as {
      changes: { user: string }[];
    };
    expect(history.changes[0]?.user).toBe("alice");
  });
});

describe("read-only mode", () => {
  let ro: DemoEnv;
  beforeAll(async () => {
    ro = await startDemoEnv({ addressBase: 244, nodes: 1, qps: 0, env: { DASHBOARD_READ_ONLY: "true" } });
  });
  afterAll(async () => {
    await ro?.stop();
  });

  it("refuses every write with 403 and shows no controls", async () => {
    const cfg = (await (await fetch(`${ro.url}/api/config`)).json()) as {
      resourceVersion: string;
      access: { canEdit: boolean; missing: string };
    };
    expect(cfg.access.canEdit).toBe(false);
    expect(cfg.access.missing).toMatch(/read-only/);
    const writes: [string, string, unknown][] = [
      [
        "PUT",
        "/api/config",
        { resourceVersion: cfg.resourceVersion, edits: [{ op: "setLog", block: "*", on: true }] },
      ],
      ["POST", "/api/rollout/restart", {}],
      ["POST", "/api/config/rollback", { id: "x" }],
    ];
    for (const [method, path, body] of writes) {
      const res = await fetch(`${ro.url}${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/read-only/);
    }
  });
});

describe("reads as the person asking (proxy mode)", () => {
  it("anonymous reads are 401; a person's reads are decided by Kubernetes RBAC (pods/log for the logs)", async () => {
    expect((await fetch(`${env.url}/api/nodes`)).status).toBe(401);
    expect((await fetch(`${env.url}/api/config`)).status).toBe(401);
    // The viewer (bound to the built-in view role) may read the query logs...
    const ac = new AbortController();
    try {
      const viewer = await fetch(`${env.url}/api/logs/stream`, {
        headers: asPerson("viewer"),
        signal: ac.signal,
      });
      expect(viewer.status).toBe(200);
    } finally {
      ac.abort();
    }
    // ...someone the cluster gives no role may not, and is told what is missing.
    const nobody = await fetch(`${env.url}/api/logs/stream`, { headers: asPerson("nobody") });
    expect(nobody.status).toBe(403);
    expect(((await nobody.json()) as { error: { message: string } }).error.message).toMatch(
      /nobody may not see this: Kubernetes RBAC does not allow "get" on pods\/log in kube-system/,
    );
    expect((await fetch(`${env.url}/api/nodes`, { headers: asPerson("nobody") })).status).toBe(403);
    expect((await fetch(`${env.url}/api/nodes`, { headers: asPerson("viewer") })).status).toBe(200);
  });
});
