/**
 * Next.js Proxy (Next 16's name for middleware): runs before every page and API route. It refuses
 * requests for host names the dashboard is not served under (DNS rebinding, lib/auth/hosts.ts) and
 * cross-site writes to the API (lib/auth/csrf.ts), and sets the security headers, with a fresh CSP
 * nonce per request that Next.js puts on its own inline scripts (lib/auth/security-headers.ts).
 * Authentication is not done here: route handlers call lib/auth (requestIdentity / requireWriter).
 */
import { NextResponse, type NextRequest } from "next/server";
import { crossSiteWriteVerdict } from "@/lib/auth/csrf";
import { hostVerdict, parseAllowedHosts, type HostPolicy } from "@/lib/auth/hosts";
import {
  API_CONTENT_SECURITY_POLICY,
  contentSecurityPolicy,
  newNonce,
  securityHeaders,
} from "@/lib/auth/security-headers";

export function proxy(request: NextRequest): NextResponse {
  const { pathname } = request.nextUrl;
  const isApi = pathname === "/api" || pathname.startsWith("/api/");

  const host = hostVerdict(pathname, request.headers.get("host"), hostPolicy());
  if (!host.allowed) {
    const res = NextResponse.json({ error: { status: 403, message: host.reason } }, { status: 403 });
    res.headers.set("cache-control", "no-store");
    return withHeaders(res, API_CONTENT_SECURITY_POLICY);
  }

  const verdict = crossSiteWriteVerdict({ method: request.method, pathname, headers: request.headers });
  if (!verdict.allowed) {
    const res = NextResponse.json({ error: { status: 403, message: verdict.reason } }, { status: 403 });
    res.headers.set("cache-control", "no-store");
    return withHeaders(res, API_CONTENT_SECURITY_POLICY);
  }

  if (isApi) return withHeaders(NextResponse.next(), API_CONTENT_SECURITY_POLICY);

  const csp = contentSecurityPolicy({ nonce: newNonce(), dev: process.env.NODE_ENV === "development" });
  // Next.js finds the nonce in the *request's* CSP header while rendering (pages are dynamic for it).
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  return withHeaders(NextResponse.next({ request: { headers: requestHeaders } }), csp);
}

// Read from the environment directly: lib/settings is server-only, and the proxy is bundled apart.
function hostPolicy(): HostPolicy {
  const mode = process.env.DASHBOARD_AUTH;
  return {
    mode: mode === "proxy" || mode === "token" ? mode : "local",
    allowed: parseAllowedHosts(process.env.DASHBOARD_ALLOWED_HOSTS),
  };
}

function withHeaders(res: NextResponse, csp: string): NextResponse {
  for (const [name, value] of Object.entries(securityHeaders(csp))) res.headers.set(name, value);
  return res;
}

export const config = {
  // Everything but the build's immutable assets (hashed JS/CSS, served with their own content types).
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
