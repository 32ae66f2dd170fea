/**
 * DNS-rebinding protection: a page on `http://evil.test:3000` whose name resolves to 127.0.0.1 is
 * same-origin with itself, so Origin checks pass; only the `Host` it sends (`evil.test:3000`) gives it
 * away. Requests are answered only for host names the dashboard is meant to be reached by. Pure.
 */

/** Paths probes and metrics scrapers reach by pod IP (kubelet, Prometheus): never host-checked. */
const UNCHECKED_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/** Names that always mean this machine: a rebinding page cannot send these as its Host. */
function isLoopbackName(host: string): boolean {
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

export interface HostPolicy {
  mode: "local" | "proxy" | "token";
  /** DASHBOARD_ALLOWED_HOSTS: host names (`dns.example.com`), `*.example.com`, or `*` for any. */
  allowed: readonly string[];
}

export type HostVerdict = { allowed: true } | { allowed: false; reason: string };

/** Parses DASHBOARD_ALLOWED_HOSTS ("a.example.com, *.corp.example"). */
export function parseAllowedHosts(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

/** The host name of a Host header value, without the port, lower-case. */
export function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  const colon = h.lastIndexOf(":");
  return colon >= 0 ? h.slice(0, colon) : h;
}

function matches(host: string, pattern: string): boolean {
  const p = hostName(pattern);
  if (p === "*") return true;
  if (p.startsWith("*.")) return host.endsWith(p.slice(1));
  return host === p;
}

/**
 * Whether a request with this Host may be answered. Loopback names always may (a port-forward, or
 * the local mode's 127.0.0.1 listener). In local mode nothing else may unless listed in
 * DASHBOARD_ALLOWED_HOSTS; in proxy and token mode, when DASHBOARD_ALLOWED_HOSTS is set, only the
 * names listed (an ingress host), else any name — there a rebinding page gains nothing: it carries
 * neither the proxy's secret nor the person's session cookie (host-only, SameSite=Strict).
 */
export function hostVerdict(pathname: string, hostHeader: string | null, policy: HostPolicy): HostVerdict {
  if (UNCHECKED_PATHS.has(pathname)) return { allowed: true };
  if (!hostHeader) return { allowed: false, reason: "the request has no Host header" };
  const host = hostName(hostHeader);
  if (isLoopbackName(host)) return { allowed: true };
  if (policy.allowed.some((p) => matches(host, p))) return { allowed: true };
  if (policy.mode !== "local" && policy.allowed.length === 0) return { allowed: true };
  return {
    allowed: false,
    reason:
      `refused: this dashboard is not served under the name "${host}". ` +
      (policy.mode === "local"
        ? "In local mode it answers only to loopback names (localhost, 127.0.0.1), which keeps web pages that rebind their own name to 127.0.0.1 from using your kubeconfig; open http://127.0.0.1 instead, or add the name to DASHBOARD_ALLOWED_HOSTS."
        : "Add it to DASHBOARD_ALLOWED_HOSTS (comma-separated host names) if it is the dashboard's ingress host."),
  };
}
