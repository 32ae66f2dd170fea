import { describe, expect, it } from "vitest";
import {
  API_CONTENT_SECURITY_POLICY,
  contentSecurityPolicy,
  newNonce,
  securityHeaders,
} from "@/lib/auth/security-headers";

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(";").map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name ?? "", values];
    }),
  );
}

describe("contentSecurityPolicy", () => {
  it("allows scripts only from this origin and with this response's nonce; no eval, no framing", () => {
    const d = directives(contentSecurityPolicy({ nonce: "abc123" }));
    expect(d.get("script-src")).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(d.get("default-src")).toEqual(["'self'"]);
    expect(d.get("object-src")).toEqual(["'none'"]);
    expect(d.get("frame-ancestors")).toEqual(["'none'"]);
    expect(d.get("connect-src")).toEqual(["'self'"]);
    expect(d.get("base-uri")).toEqual(["'self'"]);
    expect(contentSecurityPolicy({ nonce: "x" })).not.toContain("unsafe-eval");
  });

  it("adds eval and the HMR socket only for next dev", () => {
    const d = directives(contentSecurityPolicy({ nonce: "n", dev: true }));
    expect(d.get("script-src")).toContain("'unsafe-eval'");
    expect(d.get("connect-src")).toContain("ws:");
  });

  it("gives API responses a policy that loads nothing", () => {
    expect(directives(API_CONTENT_SECURITY_POLICY).get("default-src")).toEqual(["'none'"]);
  });
});

describe("securityHeaders", () => {
  it("denies framing, sniffing, cross-origin referrers and powerful features", () => {
    const h = securityHeaders("default-src 'none'");
    expect(h["content-security-policy"]).toBe("default-src 'none'");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("same-origin");
    expect(h["permissions-policy"]).toContain("camera=()");
  });
});

describe("newNonce", () => {
  it("is 128 random bits in base64, different every time", () => {
    const a = newNonce();
    expect(Buffer.from(a, "base64")).toHaveLength(16);
    expect(new Set(Array.from({ length: 100 }, newNonce)).size).toBe(100);
  });
});
