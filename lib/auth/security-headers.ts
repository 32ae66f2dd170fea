/**
 * The response headers every page and API answer carries: a Content Security Policy and its friends.
 * Pure (no Node APIs) so that proxy.ts can use it and unit tests can read it.
 */

/** Inputs to the Content Security Policy of one response. */
export interface CspOptions {
  /**
   * A fresh random value per request. Next.js reads it back from the request's CSP header while it
   * renders and puts it on its own inline bootstrap scripts (`self.__next_f.push(...)`), which are
   * the reason `script-src 'self'` alone is not enough.
   */
  nonce: string;
  /** `next dev` only: React's dev build uses eval() to rebuild server stacks (never in production). */
  dev?: boolean;
}

/**
 * The Content Security Policy for pages. `'strict-dynamic'` lets the nonce-carrying bootstrap load
 * the page's chunks without listing them. Styles allow `'unsafe-inline'` because React renders
 * `style={...}` props as style attributes (charts, bars) and a nonce cannot cover attributes; CSS
 * cannot run script, so the XSS protection comes from script-src.
 */
export function contentSecurityPolicy({ nonce, dev = false }: CspOptions): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // fetch() and the log stream's EventSource go to the same origin only (plus the dev server's HMR socket).
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** API answers are JSON or event streams, never documents: nothing may load from them. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** The headers to set on a response, given its Content Security Policy. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    "content-security-policy": csp,
    // Older browsers that ignore frame-ancestors still honour this: the dashboard is never framed.
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
  };
}

/** A nonce for one response: 128 random bits, base64 (Web Crypto, so it works in any runtime). */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
