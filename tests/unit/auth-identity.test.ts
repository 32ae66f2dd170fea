import { describe, expect, it } from "vitest";
import { KubeConfig } from "@kubernetes/client-node";
import { DashboardError } from "@/lib/errors";
import { kubeConfigActingAs, writerOrThrow } from "@/lib/auth";
import { ImpersonatingKubeConfig } from "@/lib/auth/impersonation";
import {
  bearerTokenOf,
  cookieValue,
  resolveIdentity,
  secretMatches,
  type AuthConfig,
} from "@/lib/auth/identity";

const proxy: AuthConfig = { mode: "proxy", readOnly: false, proxySecret: "s3cret" };
const headers = (h: Record<string, string>) => new Headers(h);

describe("resolveIdentity", () => {
  it("local: always the kubeconfig's user", () => {
    expect(
      resolveIdentity(
        { headers: headers({ "x-forwarded-user": "mallory" }), localUser: "admin" },
        {
          ...proxy,
          mode: "local",
        },
      ),
    ).toEqual({ user: "admin", groups: [], mode: "local" });
  });

  it("proxy: X-Forwarded-User/-Groups with the shared secret", () => {
    const id = resolveIdentity(
      {
        headers: headers({
          "x-dashboard-proxy-secret": "s3cret",
          "x-forwarded-user": "alice@example.com",
          "x-forwarded-groups": "sre, dns-admins,,",
        }),
        localUser: "",
      },
      proxy,
    );
    expect(id).toEqual({ user: "alice@example.com", groups: ["sre", "dns-admins"], mode: "proxy" });
  });

  it("proxy: oauth2-proxy's X-Auth-Request-User/-Groups", () => {
    const id = resolveIdentity(
      {
        headers: headers({
          "x-dashboard-proxy-secret": "s3cret",
          "x-auth-request-user": "bob",
          "x-auth-request-groups": "ops",
        }),
        localUser: "",
      },
      proxy,
    );
    expect(id).toEqual({ user: "bob", groups: ["ops"], mode: "proxy" });
  });

  it("proxy: user headers without the right secret, or no user, are nobody", () => {
    for (const h of <Record<string, string>[]>[
      { "x-forwarded-user": "alice" },
      { "x-forwarded-user": "alice", "x-dashboard-proxy-secret": "wrong" },
      { "x-forwarded-user": "alice", "x-dashboard-proxy-secret": "s3cret-and-more" },
      { "x-dashboard-proxy-secret": "s3cret" },
    ]) {
      expect(resolveIdentity({ headers: headers(h), localUser: "" }, proxy)).toBeNull();
    }
    // An empty configured secret never matches anything, not even an empty header.
    expect(
      resolveIdentity(
        { headers: headers({ "x-forwarded-user": "a", "x-dashboard-proxy-secret": "" }), localUser: "" },
        { ...proxy, proxySecret: "" },
      ),
    ).toBeNull();
  });

  it("token: the session cookie's id names a server-side session; its token is kept off the identity object", () => {
    const session = (id: string) =>
      id === "s/1" ? { token: "tok/en", user: "token:0123456789ab", groups: ["g"] } : undefined;
    const id = resolveIdentity(
      { headers: headers({ cookie: "a=1; nldd_session=s%2F1; b=2" }), localUser: "", session },
      { ...proxy, mode: "token" },
    );
    expect(id).toEqual({ user: "token:0123456789ab", groups: ["g"], mode: "token" });
    expect(JSON.stringify(id)).not.toContain("tok/en");
    expect(bearerTokenOf(id!)).toBe("tok/en");
    const unknown = { headers: headers({ cookie: "nldd_session=tok%2Fen" }), localUser: "", session };
    expect(resolveIdentity(unknown, { ...proxy, mode: "token" })).toBeNull();
    expect(resolveIdentity({ headers: headers({}), localUser: "" }, { ...proxy, mode: "token" })).toBeNull();
  });
});

describe("secretMatches / cookieValue", () => {
  it("compares exactly", () => {
    expect(secretMatches("abc", "abc")).toBe(true);
    expect(secretMatches("abd", "abc")).toBe(false);
    expect(secretMatches(null, "abc")).toBe(false);
  });
  it("reads one cookie", () => {
    expect(cookieValue("x=1;  nldd_session = v ", "nldd_session")).toBe("v");
    expect(cookieValue("nldd_sessionx=v", "nldd_session")).toBeNull();
    expect(cookieValue(null, "a")).toBeNull();
  });
});

describe("writerOrThrow", () => {
  it("401 without identity, saying how to log in for the mode", () => {
    for (const [mode, hint] of [
      ["token", "/login"],
      ["proxy", "X-Forwarded-User"],
    ] as const) {
      try {
        writerOrThrow(null, { ...proxy, mode });
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(DashboardError);
        expect((err as DashboardError).status).toBe(401);
        expect((err as Error).message).toContain(hint);
      }
    }
  });
  it("403 in read-only mode, naming DASHBOARD_READ_ONLY", () => {
    const id = { user: "a", groups: [], mode: "local" as const };
    expect(() => writerOrThrow(id, { ...proxy, readOnly: true })).toThrow(/DASHBOARD_READ_ONLY/);
    expect(writerOrThrow(id, proxy)).toBe(id);
  });
});

describe("kubeConfigActingAs", () => {
  const base = new KubeConfig();
  base.loadFromOptions({
    clusters: [{ name: "c", server: "https://127.0.0.1:6443", skipTLSVerify: false }],
    users: [{ name: "dashboard", token: "sa-token" }],
    contexts: [{ name: "ctx", cluster: "c", user: "dashboard" }],
    currentContext: "ctx",
  });

  it("local: the base config itself", () => {
    expect(kubeConfigActingAs(base, { user: "dashboard", groups: [], mode: "local" })).toBe(base);
  });

  it("proxy: the dashboard's credentials plus impersonation", () => {
    const kc = kubeConfigActingAs(base, { user: "alice", groups: ["sre"], mode: "proxy" });
    expect(kc).toBeInstanceOf(ImpersonatingKubeConfig);
    expect(kc.getCurrentUser()?.token).toBe("sa-token");
  });

  it("token: the person's token only, same cluster", () => {
    const id = resolveIdentity(
      {
        headers: headers({ cookie: "nldd_session=sid" }),
        localUser: "",
        session: () => ({ token: "person-token", user: "token:x", groups: [] }),
      },
      { ...proxy, mode: "token" },
    )!;
    const kc = kubeConfigActingAs(base, id);
    expect(kc.getCurrentUser()?.token).toBe("person-token");
    expect(kc.getCurrentCluster()?.server).toBe("https://127.0.0.1:6443");
    expect(() => kubeConfigActingAs(base, { user: "x", groups: [], mode: "token" })).toThrow(/log in again/);
  });
});
