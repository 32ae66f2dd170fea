/**
 * Token-mode sessions. The browser holds only an opaque random id in the httpOnly `nldd_session`
 * cookie; the person's Kubernetes token stays in this process's memory, so no script, extension or
 * proxy log that sees the cookie sees the token. Sessions end on logout, after `ttlMs`, or when the
 * server restarts (people log in again). Pure apart from randomness; unit-tested.
 */
import { randomBytes } from "node:crypto";
import { SESSION_COOKIE } from "./identity";

/** What a session holds server-side. */
export interface Session {
  token: string;
  /** Who the API server says the token belongs to (or a token fingerprint when it cannot say). */
  user: string;
  groups: string[];
  expiresAt: number;
}

/** Eight hours: a working day; tokens from `kubectl create token` default to one hour anyway. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly ttlMs = SESSION_TTL_MS,
    /** A bound on memory: past it, new logins are refused (nobody else is logged out for them). */
    private readonly maxSessions = 10_000,
    /** Sessions one person may hold: a new login past it ends that person's own oldest session. */
    private readonly perUser = 10,
  ) {}

  /**
   * A new session for a validated token; returns its id (256 random bits, base64url), or null when
   * the store is full of other people's live sessions.
   */
  create(s: Omit<Session, "expiresAt">, now = Date.now()): string | null {
    this.prune(now);
    const own = [...this.sessions].filter(([, v]) => v.user === s.user);
    // Insertion order is creation order: the first ones are the oldest.
    for (const [oldId] of own.slice(0, Math.max(0, own.length - this.perUser + 1)))
      this.sessions.delete(oldId);
    if (this.sessions.size >= this.maxSessions) return null;
    const id = randomBytes(32).toString("base64url");
    this.sessions.set(id, { ...s, groups: [...s.groups], expiresAt: now + this.ttlMs });
    return id;
  }

  /** The live session for an id, or undefined (unknown, expired, logged out). */
  get(id: string, now = Date.now()): Session | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= now) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }

  delete(id: string): boolean {
    return this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private prune(now: number): void {
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}

/**
 * The Set-Cookie value for a session id: httpOnly (no script reads it), SameSite=Strict (no other
 * site's page sends it), Path=/, Secure when the dashboard is reached over https.
 */
export function sessionCookie(id: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(id)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Strict",
    `Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}`,
    ...(opts.secure ? ["Secure"] : []),
  ].join("; ");
}

/** The Set-Cookie value that removes the session cookie (logout). */
export function clearedSessionCookie(opts: { secure: boolean }): string {
  return sessionCookie("", { secure: opts.secure, maxAgeSeconds: 0 });
}

/**
 * Whether the browser reached us over https: the request URL's scheme, or the ingress's
 * X-Forwarded-Proto (TLS usually ends at the ingress). Either one saying https makes the cookie
 * Secure; the worst a forged header can do is make the cookie stricter.
 */
export function requestIsHttps(request: {
  url: string;
  headers: { get(name: string): string | null };
}): boolean {
  if (new URL(request.url).protocol === "https:") return true;
  const fwd = request.headers.get("x-forwarded-proto") ?? "";
  return fwd.split(",")[0]?.trim().toLowerCase() === "https";
}

/** A pasted token without surrounding space or a `Bearer ` prefix. */
export function normaliseToken(pasted: string): string {
  return pasted
    .trim()
    .replace(/^bearer\s+/i, "")
    .trim();
}
