/**
 * Who is asking, decided from a request's headers and cookies by the configured mode. Pure (no
 * settings, no Kubernetes): lib/auth/index.ts feeds it; unit tests call it directly.
 */
import { timingSafeEqual, createHash } from "node:crypto";

/** How people are identified: see README "Security". */
export type AuthMode = "local" | "proxy" | "token";

/** A person the dashboard acts for. Safe to show (no credential in it). */
export interface Identity {
  user: string;
  groups: string[];
  mode: AuthMode;
}

/** Settings the decision needs. */
export interface AuthConfig {
  mode: AuthMode;
  readOnly: boolean;
  /** proxy mode: the shared secret the ingress adds in PROXY_SECRET_HEADER. */
  proxySecret: string;
}

/** The header an ingress must add (with DASHBOARD_PROXY_SECRET) for X-Forwarded-User to be believed. */
export const PROXY_SECRET_HEADER = "x-dashboard-proxy-secret";
/** The httpOnly cookie holding a token-mode session's opaque id (the token itself stays server-side). */
export const SESSION_COOKIE = "nldd_session";

// Bearer tokens are never kept on the Identity (it may be logged or serialised); they live here.
const tokens = new WeakMap<Identity, string>();

/** The bearer token a token-mode identity came with (server-side only). */
export function bearerTokenOf(identity: Identity): string | undefined {
  return tokens.get(identity);
}

/** What the request carries. */
export interface IdentityInput {
  headers: { get(name: string): string | null };
  /** For local mode: the kubeconfig's current user. */
  localUser: string;
  /** For token mode: the session behind a cookie's id (lib/auth/session.ts), if it is live. */
  session?: (id: string) => { token: string; user: string; groups: string[] } | undefined;
}

/**
 * The identity of a request, or null when it has none (the caller answers 401).
 *
 * - local: always the kubeconfig's user (the process listens on 127.0.0.1 only, so whoever can reach
 *   it already runs as that user on this machine).
 * - proxy: X-Forwarded-User/-Groups (or oauth2-proxy's X-Auth-Request-User/-Groups), believed only
 *   when the request carries the shared secret. Route handlers cannot see the peer address, and in a
 *   cluster anything that reaches the pod could send those headers; a secret only the ingress knows
 *   (compared in constant time) proves the request came through it.
 * - token: the session whose id is in the cookie; its token (validated against the API server at
 *   login, POST /api/session) stays server-side. The name is what the API server said at login.
 */
export function resolveIdentity(input: IdentityInput, config: AuthConfig): Identity | null {
  const h = input.headers;
  switch (config.mode) {
    case "local":
      return { user: input.localUser, groups: [], mode: "local" };
    case "proxy": {
      if (!config.proxySecret || !secretMatches(h.get(PROXY_SECRET_HEADER), config.proxySecret)) return null;
      const user = (h.get("x-forwarded-user") ?? h.get("x-auth-request-user") ?? "").trim();
      if (!user) return null;
      const groups = splitGroups(h.get("x-forwarded-groups") ?? h.get("x-auth-request-groups"));
      return { user, groups, mode: "proxy" };
    }
    case "token": {
      const id = cookieValue(h.get("cookie"), SESSION_COOKIE);
      const session = id ? input.session?.(id) : undefined;
      if (!session) return null;
      const identity: Identity = { user: session.user, groups: [...session.groups], mode: "token" };
      tokens.set(identity, session.token);
      return identity;
    }
  }
}

/** Constant-time comparison (hash both so lengths match and nothing leaks through timing). */
export function secretMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** oauth2-proxy sends groups comma-separated in one header. */
function splitGroups(header: string | null): string[] {
  return (header ?? "")
    .split(",")
    .map((g) => g.trim())
    .filter(Boolean);
}

export function cookieValue(header: string | null, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const v = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(v) || null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** A short name for a token whose owner the API server does not tell (never the token itself). */
export function tokenFingerprint(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 12);
}
