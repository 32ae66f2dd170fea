import { describe, expect, it } from "vitest";
import { cookieValue, resolveIdentity } from "@/lib/auth/identity";
import {
  clearedSessionCookie,
  normaliseToken,
  requestIsHttps,
  sessionCookie,
  SessionStore,
} from "@/lib/auth/session";

const req = (url: string, h: Record<string, string> = {}) => ({ url, headers: new Headers(h) });

describe("SessionStore", () => {
  it("gives an opaque random id that does not contain or derive from the token", () => {
    const store = new SessionStore();
    const a = store.create({ token: "secret-token", user: "alice", groups: [] })!;
    const b = store.create({ token: "secret-token", user: "alice", groups: [] })!;
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toContain("secret");
    expect(store.get(a)?.token).toBe("secret-token");
  });

  it("forgets a session on logout and after its time-to-live", () => {
    const store = new SessionStore(1000);
    const id = store.create({ token: "t", user: "u", groups: [] }, 0)!;
    expect(store.get(id, 999)?.user).toBe("u");
    expect(store.get(id, 1000)).toBeUndefined();
    const id2 = store.create({ token: "t", user: "u", groups: [] }, 0)!;
    expect(store.delete(id2)).toBe(true);
    expect(store.get(id2, 1)).toBeUndefined();
    expect(store.get("never-issued")).toBeUndefined();
  });

  it("caps each person's sessions by ending that person's oldest, never anyone else's", () => {
    const store = new SessionStore(60_000, 100, 2);
    const bob = store.create({ token: "b", user: "bob", groups: [] })!;
    const first = store.create({ token: "1", user: "u", groups: [] })!;
    const second = store.create({ token: "2", user: "u", groups: [] })!;
    const third = store.create({ token: "3", user: "u", groups: [] })!;
    expect(store.get(first)).toBeUndefined();
    expect(store.get(second)?.token).toBe("2");
    expect(store.get(third)?.token).toBe("3");
    expect(store.get(bob)?.user).toBe("bob");
  });

  it("when full of other people's sessions, refuses a new one instead of logging anyone out", () => {
    const store = new SessionStore(60_000, 2, 10);
    const a = store.create({ token: "a", user: "alice", groups: [] })!;
    const b = store.create({ token: "b", user: "bob", groups: [] })!;
    expect(store.create({ token: "m", user: "mallory", groups: [] })).toBeNull();
    expect(store.get(a)?.user).toBe("alice");
    expect(store.get(b)?.user).toBe("bob");
    // Expired sessions make room.
    expect(store.create({ token: "m", user: "mallory", groups: [] }, Date.now() + 61_000)).not.toBeNull();
  });
});

describe("session cookie", () => {
  it("is httpOnly, SameSite=Strict, whole-site, with a lifetime; Secure only over https", () => {
    const c = sessionCookie("abc", { secure: false, maxAgeSeconds: 3600 });
    expect(c).toBe("nldd_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600");
    expect(sessionCookie("abc", { secure: true, maxAgeSeconds: 1 })).toMatch(/; Secure$/);
  });

  it("logout clears it", () => {
    expect(clearedSessionCookie({ secure: true })).toBe(
      "nldd_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure",
    );
  });

  it("round-trips through the Cookie header into a token-mode identity", () => {
    const store = new SessionStore();
    const id = store.create({ token: "person-token", user: "system:serviceaccount:x:y", groups: ["a"] })!;
    const cookie = sessionCookie(id, { secure: false, maxAgeSeconds: 60 }).split(";")[0] ?? "";
    expect(cookieValue(cookie, "nldd_session")).toBe(id);
    const who = resolveIdentity(
      { headers: new Headers({ cookie }), localUser: "", session: (sid) => store.get(sid) },
      { mode: "token", readOnly: false, proxySecret: "" },
    );
    expect(who).toEqual({ user: "system:serviceaccount:x:y", groups: ["a"], mode: "token" });
  });

  it("knows https from the URL or the ingress's X-Forwarded-Proto", () => {
    expect(requestIsHttps(req("https://dash.example/api/session"))).toBe(true);
    expect(requestIsHttps(req("http://10.0.0.1:3000/api/session", { "x-forwarded-proto": "https" }))).toBe(
      true,
    );
    expect(requestIsHttps(req("http://127.0.0.1:3000/api/session"))).toBe(false);
  });

  it("accepts a pasted token with spaces or a Bearer prefix", () => {
    expect(normaliseToken("  Bearer abc.def \n")).toBe("abc.def");
    expect(normaliseToken("abc")).toBe("abc");
    expect(normaliseToken("   ")).toBe("");
  });
});
