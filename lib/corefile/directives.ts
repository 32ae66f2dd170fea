/**
 * Which directive names CoreDNS knows (its `zdirectives.go`, generated from plugin.cfg) and which of
 * them node-cache compiles in (the blank imports of kubernetes/dns `cmd/node-cache/main.go`).
 *
 * The two lists give two different failures: a name CoreDNS does not know fails while parsing
 * (`Unknown directive 'cahce'`, with a line), a known name whose plugin node-cache lacks fails at
 * setup (`no action found for directive 'kubernetes' with server type 'dns' (missing a plugin?)`).
 */

/** CoreDNS versions we have directive tables for: those bundled by the node-cache images we simulate. */
export type KnownCorednsVersion = "1.7.0" | "1.10.0" | "1.11.3";

/** Used when the caller does not say which CoreDNS runs the Corefile (the newest we model). */
export const DEFAULT_COREDNS_VERSION: KnownCorednsVersion = "1.11.3";

// zdirectives.go order (the execution order) at v1.7.0.
const DIRECTIVES_1_7_0 = [
  "metadata",
  "cancel",
  "tls",
  "reload",
  "nsid",
  "bufsize",
  "root",
  "bind",
  "debug",
  "trace",
  "ready",
  "health",
  "pprof",
  "prometheus",
  "errors",
  "log",
  "dnstap",
  "dns64",
  "acl",
  "any",
  "chaos",
  "loadbalance",
  "cache",
  "rewrite",
  "dnssec",
  "autopath",
  "template",
  "transfer",
  "hosts",
  "route53",
  "azure",
  "clouddns",
  "k8s_external",
  "kubernetes",
  "file",
  "auto",
  "secondary",
  "etcd",
  "loop",
  "forward",
  "grpc",
  "erratic",
  "whoami",
  "on",
  "sign",
] as const;

// v1.10.0 adds geoip, timeouts, local, tsig, header, minimal and view.
const DIRECTIVES_1_10_0 = [
  "metadata",
  "geoip",
  "cancel",
  "tls",
  "timeouts",
  "reload",
  "nsid",
  "bufsize",
  "root",
  "bind",
  "debug",
  "trace",
  "ready",
  "health",
  "pprof",
  "prometheus",
  "errors",
  "log",
  "dnstap",
  "local",
  "dns64",
  "acl",
  "any",
  "chaos",
  "loadbalance",
  "tsig",
  "cache",
  "rewrite",
  "header",
  "dnssec",
  "autopath",
  "minimal",
  "template",
  "transfer",
  "hosts",
  "route53",
  "azure",
  "clouddns",
  "k8s_external",
  "kubernetes",
  "file",
  "auto",
  "secondary",
  "etcd",
  "loop",
  "forward",
  "grpc",
  "erratic",
  "whoami",
  "on",
  "sign",
  "view",
] as const;

// v1.11.x adds quic (DoQ) and nomad.
const DIRECTIVES_1_11_3 = [
  "metadata",
  "geoip",
  "cancel",
  "tls",
  "quic",
  "timeouts",
  "reload",
  "nsid",
  "bufsize",
  "root",
  "bind",
  "debug",
  "trace",
  "ready",
  "health",
  "pprof",
  "prometheus",
  "errors",
  "log",
  "dnstap",
  "local",
  "dns64",
  "acl",
  "any",
  "chaos",
  "loadbalance",
  "tsig",
  "cache",
  "rewrite",
  "header",
  "dnssec",
  "autopath",
  "minimal",
  "template",
  "transfer",
  "hosts",
  "route53",
  "azure",
  "clouddns",
  "k8s_external",
  "kubernetes",
  "file",
  "auto",
  "secondary",
  "etcd",
  "loop",
  "forward",
  "grpc",
  "erratic",
  "whoami",
  "on",
  "sign",
  "view",
  "nomad",
] as const;

const NODE_CACHE_PLUGINS_1_22_0 = [
  "bind",
  "cache",
  "debug",
  "dns64",
  "errors",
  "forward",
  "health",
  "hosts",
  "loadbalance",
  "log",
  "loop",
  "prometheus",
  "pprof",
  "reload",
  "rewrite",
  "template",
  "trace",
  "whoami",
] as const;
// bufsize joined in node-cache 1.22.7, before any image that bundles CoreDNS 1.10.0.
const NODE_CACHE_PLUGINS_LATER = [...NODE_CACHE_PLUGINS_1_22_0, "bufsize"] as const;

const TABLES: Record<KnownCorednsVersion, { directives: readonly string[]; compiledIn: readonly string[] }> =
  {
    // node-cache 1.22.13 (the last on 1.7.0) already has bufsize.
    "1.7.0": { directives: DIRECTIVES_1_7_0, compiledIn: NODE_CACHE_PLUGINS_LATER },
    "1.10.0": { directives: DIRECTIVES_1_10_0, compiledIn: NODE_CACHE_PLUGINS_LATER },
    "1.11.3": { directives: DIRECTIVES_1_11_3, compiledIn: NODE_CACHE_PLUGINS_LATER },
  };

/**
 * The table for a CoreDNS version string. Versions between the ones we model use the closest older
 * one ("1.12.2" → 1.11.3's), since directives are only ever added.
 */
export function directiveTable(corednsVersion: string = DEFAULT_COREDNS_VERSION): {
  version: KnownCorednsVersion;
  /** Every directive CoreDNS knows, in execution order. */
  directives: readonly string[];
  /** The subset node-cache compiles in. */
  compiledIn: readonly string[];
} {
  const version = closestKnownVersion(corednsVersion);
  return { version, ...TABLES[version] };
}

function closestKnownVersion(v: string): KnownCorednsVersion {
  const known: KnownCorednsVersion[] = ["1.11.3", "1.10.0", "1.7.0"];
  const parsed = parseVersion(v);
  if (!parsed) return DEFAULT_COREDNS_VERSION;
  for (const k of known) {
    const kp = parseVersion(k);
    if (kp && compareVersions(parsed, kp) >= 0) return k;
  }
  return "1.7.0";
}

/** [major, minor, patch] from "1.10.0" or "v1.10.0"; null if it is not a version. */
export function parseVersion(v: string): [number, number, number] | null {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim());
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** Negative, zero or positive, like a comparator. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when `version` is at least `min` ("1.10.0" ≥ "1.9.4"). Unparseable versions count as newest. */
export function versionAtLeast(version: string, min: string): boolean {
  const a = parseVersion(version);
  const b = parseVersion(min);
  if (!a || !b) return true;
  return compareVersions(a, b) >= 0;
}
