import { describe, expect, it } from "vitest";
import { crossSiteWriteVerdict } from "@/lib/auth/csrf";

function req(method: string, pathname: string, headers: Record<string, string> = {}) {
  return { method, pathname, headers: new Headers(headers) };
}

describe("crossSiteWriteVerdict", () => {
  it("lets reads and non-API writes through whatever their origin", () => {
    expect(crossSiteWriteVerdict(req("GET", "/api/nodes", { "sec-fetch-site": "cross-site" }))).toEqual({
      allowed: true,
    });
    expect(crossSiteWriteVerdict(req("HEAD", "/api/nodes", { origin: "https://evil.example" })).allowed).toBe(
      true,
    );
    expect(crossSiteWriteVerdict(req("POST", "/login", { "sec-fetch-site": "cross-site" })).allowed).toBe(
      true,
    );
    // "/apix" is not the API.
    expect(crossSiteWriteVerdict(req("POST", "/apix", { "sec-fetch-site": "cross-site" })).allowed).toBe(
      true,
    );
  });

  it("allows same-origin browser writes and user-initiated ones", () => {
    for (const site of ["same-origin", "none"]) {
      const v = crossSiteWriteVerdict(
        req("POST", "/api/config", {
          "sec-fetch-site": site,
          origin: "http://127.0.0.1:3000",
          host: "127.0.0.1:3000",
        }),
      );
      expect(v).toEqual({ allowed: true });
    }
  });

  it("refuses writes the browser marks cross-site or same-site, saying why", () => {
    for (const site of ["cross-site", "same-site"]) {
      for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "post"]) {
        const v = crossSiteWriteVerdict(req(method, "/api/rollout/restart", { "sec-fetch-site": site }));
        expect(v.allowed).toBe(false);
        if (!v.allowed) expect(v.reason).toContain(`Sec-Fetch-Site: ${site}`);
      }
    }
  });

  it("refuses an Origin that is not this host, including the opaque 'null' origin and garbage", () => {
    for (const origin of ["https://evil.example", "http://127.0.0.1:3001", "null", "not a url"]) {
      const v = crossSiteWriteVerdict(req("POST", "/api/config", { origin, host: "127.0.0.1:3000" }));
      expect(v.allowed, origin).toBe(false);
      if (!v.allowed) expect(v.reason).toContain(`Origin ${origin} is not this dashboard (127.0.0.1:3000)`);
    }
  });

  it("accepts an Origin that matches Host or the first X-Forwarded-Host, case-insensitively", () => {
    expect(
      crossSiteWriteVerdict(
        req("POST", "/api/config", { origin: "https://DNS.example.com", host: "dns.example.com" }),
      ).allowed,
    ).toBe(true);
    expect(
      crossSiteWriteVerdict(
        req("PUT", "/api/config", {
          origin: "https://dns.example.com",
          host: "nodelocal-dns-dashboard.kube-system.svc:80",
          "x-forwarded-host": "dns.example.com, other",
        }),
      ).allowed,
    ).toBe(true);
  });

  it("allows writes with neither header (not a browser page: curl, scripts)", () => {
    expect(crossSiteWriteVerdict(req("POST", "/api/config", { host: "127.0.0.1:3000" })).allowed).toBe(true);
  });

  it("refuses when Sec-Fetch-Site is same-origin but Origin disagrees (both must hold)", () => {
    const v = crossSiteWriteVerdict(
      req("POST", "/api/config", {
        "sec-fetch-site": "same-origin",
        origin: "https://evil.example",
        host: "a",
      }),
    );
    expect(v.allowed).toBe(false);
  });
});
