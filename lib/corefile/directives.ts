/**
 * Which directive names CoreDNS knows (its `zdirectives.go`, generated from plugin.cfg) and which of
 * them node-cache compiles in (the blank imports of kubernetes/dns `cmd/node-cache/main.go`).
 *
 * The two lists give two different failures: a name CoreDNS does not know fails while parsing
 * (`Unknown directive 'cahce'`, with a line), a known name whose plugin node-cache lacks fails at
 * setup (`no action found for directive 'kubernetes' with server type 'dns' (missing a plugin?)`).
 */
// Each tag's directive list (git show vX:core/dnsserver/zdirectives.go, in execution order) is data,
// copied verbatim into zdirectives.json, not edited by hand: 1.11.3 has neither quic nor nomad,
// timeouts arrived in 1.10.1, root moved first in 1.11.0.
import ZDIRECTIVES from "./zdirectives.json";

/** CoreDNS versions we have directive tables for: those bundled by the node-cache images we simulate. */
export type KnownCorednsVersion = "1.7.0" | "1.10.0" | "1.11.3" | "1.12.2" | "1.13.1";

/** Every modelled version, newest first. */
export const KNOWN_COREDNS_VERSIONS: readonly KnownCorednsVersion[] = [
  "1.13.1",
  "1.12.2",
  "1.11.3",
  "1.10.0",
  "1.7.0",
];

/** Used when the caller does not say which CoreDNS runs the Corefile (the newest we model). */
export const DEFAULT_COREDNS_VERSION: KnownCorednsVersion = "1.13.1";

/**
 * The first CoreDNS release whose zdirectives.go lists a directive that some modelled version lacks
 * (from diffing zdirectives.go tag by tag), so "Unknown directive" can say which upgrade would take it.
 */
export const DIRECTIVE_ADDED_IN: Readonly<Record<string, string>> = {
  local: "1.8.1",
  minimal: "1.8.4",
  geoip: "1.8.5",
  header: "1.8.5",
  tsig: "1.9.4",
  view: "1.10.0",
  timeouts: "1.10.1",
  multisocket: "1.12.0",
  quic: "1.12.2",
  nomad: "1.13.0",
  grpc_server: "1.14.0",
  https: "1.14.0",
  https3: "1.14.0",
  proxyproto: "1.14.2",
  shed: "1.14.7",
};

// The blank imports of cmd/node-cache/main.go: the same set from kubernetes/dns 1.22.13 to
// kubernetes-sigs/node-local-dns 1.26.7 (1.26.8, on CoreDNS 1.13.2, adds timeouts).
const NODE_CACHE_PLUGINS = [
  "bind",
  "bufsize",
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

const TABLES: Record<KnownCorednsVersion, { directives: readonly string[]; compiledIn: readonly string[] }> =
  {
    "1.7.0": { directives: ZDIRECTIVES["1.7.0"], compiledIn: NODE_CACHE_PLUGINS },
    "1.10.0": { directives: ZDIRECTIVES["1.10.0"], compiledIn: NODE_CACHE_PLUGINS },
    "1.11.3": { directives: ZDIRECTIVES["1.11.3"], compiledIn: NODE_CACHE_PLUGINS },
    "1.12.2": { directives: ZDIRECTIVES["1.12.2"], compiledIn: NODE_CACHE_PLUGINS },
    "1.13.1": { directives: ZDIRECTIVES["1.13.1"], compiledIn: NODE_CACHE_PLUGINS },
  };

/**
 * The table for a CoreDNS version string. Versions between the ones we model use the closest older
 * one ("1.12.0" → 1.11.3's), since directives are only ever added.
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
  const parsed = parseVersion(v);
  if (!parsed) return DEFAULT_COREDNS_VERSION;
  for (const k of KNOWN_COREDNS_VERSIONS) {
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
