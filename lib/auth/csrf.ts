/**
 * Cross-site request forgery protection for the JSON API: a write must come from a page of this
 * dashboard. Browsers say where a request comes from in `Sec-Fetch-Site` (Fetch Metadata) and
 * `Origin`; neither can be forged by a page on another site. Pure, so it is unit-tested directly.
 */

/** The parts of a request the decision reads. */
export interface WriteRequest {
  method: string;
  pathname: string;
  /** Header lookup, case-insensitive (a `Headers` object fits). */
  headers: { get(name: string): string | null };
}

/** Allowed, or refused with a reason written for whoever reads the 403. */
export type CsrfVerdict = { allowed: true } | { allowed: false; reason: string };

const SAFE_METHODS = new Set(["GET", "HEAD"]);

/**
 * Whether a request may proceed. Only non-GET/HEAD requests to /api/* are checked (pages and reads
 * change nothing). A write is refused when the browser says it is cross-site (`Sec-Fetch-Site` other
 * than `same-origin` or `none` — `none` is a user typing a URL), or when its `Origin` is not this
 * host. A request with neither header is not from a browser page (curl, scripts), which cannot
 * carry a victim's cookies without the caller already holding them, so it is allowed; the route's
 * own authentication still applies.
 *
 * The host is `Host`, or `X-Forwarded-Host` when an ingress rewrote `Host` on the way in. A
 * cross-site page cannot set X-Forwarded-Host without a CORS preflight, and preflights (OPTIONS)
 * are writes here and are refused.
 */
export function crossSiteWriteVerdict(req: WriteRequest): CsrfVerdict {
  const method = req.method.toUpperCase();
  if (SAFE_METHODS.has(method)) return { allowed: true };
  if (req.pathname !== "/api" && !req.pathname.startsWith("/api/")) return { allowed: true };

  const site = req.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    return {
      allowed: false,
      reason: `cross-site ${method} refused: the browser marked this request Sec-Fetch-Site: ${site}. Changes can only be made from the dashboard's own pages.`,
    };
  }

  const origin = req.headers.get("origin");
  if (origin === null) return { allowed: true };
  const originHost = hostOf(origin);
  const hosts = [req.headers.get("host"), firstValue(req.headers.get("x-forwarded-host"))]
    .filter((h): h is string => !!h)
    .map((h) => h.toLowerCase());
  if (originHost === null || !hosts.includes(originHost)) {
    return {
      allowed: false,
      reason: `cross-site ${method} refused: Origin ${origin} is not this dashboard (${hosts.join(" or ") || "no Host header"}). Changes can only be made from the dashboard's own pages; behind a proxy, make it pass the original Host or X-Forwarded-Host.`,
    };
  }
  return { allowed: true };
}

/** host[:port] of an Origin header, lower-case; null for "null" (sandboxed frames, file://) or garbage. */
function hostOf(origin: string): string | null {
  if (origin === "null") return null;
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}

function firstValue(header: string | null): string | null {
  return header?.split(",")[0]?.trim() || null;
}
