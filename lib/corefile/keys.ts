/**
 * Server block keys as CoreDNS reads them (`core/dnsserver/register.go` normalizeZone):
 * `[SCHEME://]ZONE[:PORT]`, zone made fully qualified and lower case, port defaulting by scheme.
 */

/** One key, split. */
export interface ServerKey {
  /** "dns" unless written otherwise. */
  scheme: string;
  /** Fully qualified, lower case: "cluster.local.", "." */
  zone: string;
  port: number;
  /** "dns://cluster.local.:53": how CoreDNS names the listener in messages and metric labels. */
  address: string;
}

const DEFAULT_PORTS: Record<string, number> = {
  dns: 53,
  tls: 853,
  grpc: 443,
  https: 443,
  quic: 853,
  https3: 443,
};

/** Splits a key; `port` is NaN when the written port is not a number (CoreDNS would refuse it). */
export function parseServerKey(key: string, defaultDnsPort = 53): ServerKey {
  let rest = key;
  let scheme = "dns";
  const sep = rest.indexOf("://");
  if (sep !== -1) {
    scheme = rest.slice(0, sep).toLowerCase();
    rest = rest.slice(sep + 3);
  }
  let host = rest;
  let portText = "";
  if (rest.startsWith("[")) {
    // [::1]:53 — an IPv6 literal in brackets.
    const close = rest.indexOf("]");
    host = close === -1 ? rest : rest.slice(1, close);
    const after = close === -1 ? "" : rest.slice(close + 1);
    if (after.startsWith(":")) portText = after.slice(1);
  } else {
    const colon = rest.lastIndexOf(":");
    if (colon !== -1 && rest.indexOf(":") === colon) {
      host = rest.slice(0, colon);
      portText = rest.slice(colon + 1);
    }
  }
  const port =
    portText === ""
      ? scheme === "dns"
        ? defaultDnsPort
        : (DEFAULT_PORTS[scheme] ?? defaultDnsPort)
      : /^\d+$/.test(portText)
        ? Number(portText)
        : Number.NaN;
  const lower = host.toLowerCase();
  const zone = lower === "" ? "." : lower.endsWith(".") ? lower : `${lower}.`;
  return { scheme, zone, port, address: `${scheme}://${zone}:${Number.isNaN(port) ? portText : port}` };
}
