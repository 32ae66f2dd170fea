/**
 * The running configuration of the simulated CoreDNS: the rendered Corefile read with the project's
 * Corefile library, validated as CoreDNS would, and turned into listeners and per-block plugin chains.
 * Virtual cluster addresses (169.254.20.10, 10.96.0.10, 10.96.0.11, the node's resolvers) are mapped to
 * their loopback stand-ins here, so the rest of the pod sees only real endpoints plus the labels.
 */
import {
  corednsRefuses,
  describeServerBlock,
  parseCorefile,
  validateCorefile,
  CorefileError,
} from "../../lib/corefile";
import type { CorefileDirective, CorefileServerBlockNode } from "../../lib/corefile";
import { KUBE_DNS_CLUSTER_IP, LINK_LOCAL_IP } from "../addresses";
import { podIPOf, type PodRuntimeSpec } from "../runtime";
import { DEFAULT_CACHE_CONFIG, type CacheConfig } from "./cache";
import { RESOLV_CONF } from "./corefile-render";
import { COMMON_LOG_FORMAT } from "./log-format";

/** Where CoreDNS reads its config from in the node-local-dns DaemonSet (`-conf /etc/Corefile`). */
export const COREFILE_PATH = "/etc/Corefile";

/** CoreDNS refused the config; `message` is what it prints (the setup or parse error). */
export class CorednsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CorednsConfigError";
  }
}

/** One upstream of a `forward` directive. */
export interface ForwardTarget {
  /** The `to` label and the address in error messages, e.g. "10.96.0.11:53". */
  label: string;
  host: string;
  port: number;
}

/** One server block, ready to serve. */
export interface BlockConfig {
  /** Fully qualified zones of the block's keys. */
  zones: string[];
  /** The Corefile port (53), used in labels and listener lines, not the real socket port. */
  port: number;
  /** `log` rules in file order; the first whose names match a query decides (empty = no `log`). */
  log: LogRule[];
  errors: boolean;
  /** Cache settings and the zones the cache covers (its `zones` label joined by ","). */
  cache: { config: CacheConfig; zones: string[] } | null;
  forward: { from: string; to: ForwardTarget[]; forceTcp: boolean } | null;
  loop: boolean;
  reload: boolean;
  /** Names for coredns_plugin_enabled: the block's handlers in CoreDNS's plugin order. */
  handlers: string[];
}

/** One `log [NAMES...] [FORMAT] { class ... }` directive. */
export interface LogRule {
  /** Zones the rule covers, fully qualified ("." = everything). */
  names: string[];
  format: string;
  /** Response classes logged: success, denial (NXDOMAIN/NODATA), error; "all" logs every query. */
  classes: Set<"all" | "success" | "denial" | "error">;
}

/** One (address × port) the pod listens on, and the blocks that share it. */
export interface ListenerConfig {
  /** Address in labels and listener lines: "169.254.20.10", "0.0.0.0", or "" when the block has no `bind`. */
  virtualIP: string;
  /** Loopback address the sockets really bind. */
  host: string;
  port: number;
  /** `dns://169.254.20.10:53` */
  server: string;
  blocks: BlockConfig[];
}

export interface PodConfig {
  text: string;
  listeners: ListenerConfig[];
  /** `prometheus` present in any block. */
  metrics: boolean;
  /** `health` present in any block. */
  health: boolean;
  /** `reload` present in any block. */
  reload: boolean;
}

// Handlers in zdirectives.go order (only those that take part in the query path are "enabled" plugins).
const HANDLER_ORDER = [
  "prometheus",
  "errors",
  "log",
  "dns64",
  "loadbalance",
  "cache",
  "rewrite",
  "template",
  "hosts",
  "loop",
  "forward",
  "whoami",
];

function fqdn(zone: string): string {
  return zone.endsWith(".") ? zone : `${zone}.`;
}

function isLoopback(ip: string): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(ip);
}

/** The loopback address a virtual bind address stands for on this node; throws like a failed bind. */
export function standInFor(spec: PodRuntimeSpec, virtualIP: string, port: number): string {
  if (isBindAll(virtualIP)) return podIPOf(spec);
  if (isLoopback(virtualIP)) return virtualIP;
  // Off the host network the pod's own network namespace holds only its pod IP: the link-local and
  // kube-dns addresses live on the node's dummy interface, which this pod never sees.
  if (spec.hostNetwork !== false) {
    const [linkLocal, kubeDns] = spec.localIPs;
    if (virtualIP === LINK_LOCAL_IP || virtualIP === linkLocal) return spec.addresses.linkLocal;
    if (virtualIP === KUBE_DNS_CLUSTER_IP || virtualIP === kubeDns) return spec.addresses.kubeDns;
  }
  throw new CorednsConfigError(`listen udp ${virtualIP}:${port}: bind: cannot assign requested address`);
}

/** `bind 0.0.0.0` / `bind ::`, or no bind at all (""): every address of the pod. */
export function isBindAll(ip: string): boolean {
  return ip === "" || ip === "0.0.0.0" || ip === "::";
}

function cacheConfigOf(
  node: CorefileDirective,
  described: NonNullable<ReturnType<typeof describeServerBlock>["cache"]>,
  blockZones: string[],
): BlockConfig["cache"] {
  // `cache [TTL] [ZONES...]`: zones are whatever follows an optional leading integer.
  const args = node.args.slice(/^-?\d+$/.test(node.args[0] ?? "") ? 1 : 0);
  const servfail = (node.block ?? []).find((d) => d.name === "servfail")?.args[0];
  const servfailTtl = servfail
    ? (goDurationSeconds(servfail) ?? DEFAULT_CACHE_CONFIG.servfailTtl)
    : DEFAULT_CACHE_CONFIG.servfailTtl;
  return {
    config: {
      success: described.success,
      denial: described.denial,
      prefetch: described.prefetch,
      serveStale: described.serveStale,
      servfailTtl,
    },
    zones: args.length ? args.map((z) => fqdn(z.toLowerCase())) : blockZones,
  };
}

function goDurationSeconds(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s);
  if (!m) return null;
  const n = Number(m[1]);
  return m[2] === "ms" ? n / 1000 : m[2] === "s" ? n : m[2] === "m" ? n * 60 : n * 3600;
}

function forwardTargets(spec: PodRuntimeSpec, args: string[]): ForwardTarget[] {
  const out: ForwardTarget[] = [];
  for (const raw of args) {
    if (raw === RESOLV_CONF) {
      for (const r of spec.upstreamResolvers)
        out.push({ label: `${r.virtualIP}:53`, host: r.host, port: r.port });
      continue;
    }
    const addr = raw.replace(/^dns:\/\//, "");
    const m = /^([^:]+)(?::(\d+))?$/.exec(addr);
    if (!m) throw new CorednsConfigError(`plugin/forward: not an IP address or file: "${raw}"`);
    const ip = m[1]!;
    const port = m[2] ? Number(m[2]) : 53;
    const known = [spec.clusterDns, ...spec.upstreamResolvers].find((e) => e.virtualIP === ip);
    if (known) out.push({ label: `${ip}:${port}`, host: known.host, port: known.port });
    else out.push({ label: `${ip}:${port}`, host: ip, port });
  }
  return out;
}

/** plugin/log setup: one argument is a name; with more, a last one containing "{" is the format. */
function logRule(d: CorefileDirective): LogRule {
  let names = d.args.slice();
  let format = COMMON_LOG_FORMAT;
  const last = names.at(-1);
  if (names.length > 1 && last !== undefined && last.includes("{")) {
    format = last;
    names = names.slice(0, -1);
  }
  const classes = new Set<LogRule["classes"] extends Set<infer C> ? C : never>();
  for (const sub of d.block ?? []) {
    if (sub.name !== "class") continue;
    for (const c of sub.args)
      if (c === "all" || c === "success" || c === "denial" || c === "error") classes.add(c);
  }
  if (classes.size === 0) classes.add("all");
  return { names: names.length ? names.map((n) => fqdn(n.toLowerCase())) : ["."], format, classes };
}

function blockConfig(
  spec: PodRuntimeSpec,
  node: CorefileServerBlockNode,
): { block: BlockConfig; binds: string[] } {
  const d = describeServerBlock(node);
  const zones = d.zones.map(fqdn);
  const present = new Set(node.directives.map((x) => x.name));
  const cacheNode = node.directives.find((x) => x.name === "cache");
  const block: BlockConfig = {
    zones,
    port: d.port,
    log: node.directives.filter((x) => x.name === "log").map(logRule),
    errors: d.errors,
    cache: cacheNode && d.cache ? cacheConfigOf(cacheNode, d.cache, zones) : null,
    forward: d.forward
      ? { from: d.forward.from, to: forwardTargets(spec, d.forward.to), forceTcp: d.forward.forceTcp }
      : null,
    loop: d.loop,
    reload: d.reload,
    handlers: HANDLER_ORDER.filter((h) => present.has(h)),
  };
  return { block, binds: d.bind.filter((b) => b !== "") };
}

/**
 * Parses, validates and lays out the rendered Corefile. Throws CorednsConfigError with the text
 * CoreDNS prints when it refuses to start (or to reload) with it.
 */
export function buildPodConfig(spec: PodRuntimeSpec, text: string): PodConfig {
  let doc;
  try {
    doc = parseCorefile(text, { filename: COREFILE_PATH, corednsVersion: spec.corednsVersion });
  } catch (err) {
    if (err instanceof CorefileError) throw new CorednsConfigError(err.message);
    throw err;
  }
  // "advice" and "stricter" problems are ours, not CoreDNS's: it starts fine with those.
  const fatal = validateCorefile(doc, {
    corednsVersion: spec.corednsVersion,
    filename: COREFILE_PATH,
  }).filter(corednsRefuses);
  if (fatal.length > 0) throw new CorednsConfigError(fatal[0]!.message);
  const listeners = new Map<string, ListenerConfig>();
  let metrics = false;
  let health = false;
  let reload = false;
  for (const node of doc.blocks) {
    const { block, binds } = blockConfig(spec, node);
    const present = new Set(node.directives.map((x) => x.name));
    metrics ||= present.has("prometheus");
    health ||= present.has("health");
    reload ||= present.has("reload");
    const ips = binds.length ? binds : [""];
    for (const virtualIP of ips) {
      // The server label is `dns://<bind>:<port>` as CoreDNS groups listeners (net.JoinHostPort of the
      // bind host): `dns://0.0.0.0:53` for `bind 0.0.0.0`, `dns://:53` without bind.
      const key = `${virtualIP}|${block.port}`;
      let l = listeners.get(key);
      if (!l) {
        // Bind-all: CoreDNS listens on every interface; the stand-in is the pod IP (pods reach it there).
        const host = standInFor(spec, virtualIP, block.port);
        l = { virtualIP, host, port: block.port, server: `dns://${virtualIP}:${block.port}`, blocks: [] };
        listeners.set(key, l);
      }
      for (const z of block.zones) {
        if (l.blocks.some((b) => b.zones.includes(z)))
          throw new CorednsConfigError(`cannot serve dns://${z}:${block.port} - it is already defined`);
      }
      l.blocks.push(block);
    }
  }
  return { text, listeners: [...listeners.values()], metrics, health, reload };
}

/** The block that answers `qname` on a listener: longest matching zone wins, as in CoreDNS. */
export function routeQuery(
  listener: ListenerConfig,
  qname: string,
): { block: BlockConfig; zone: string } | null {
  let best: { block: BlockConfig; zone: string } | null = null;
  for (const block of listener.blocks) {
    for (const zone of block.zones) {
      if (!nameInZone(qname, zone)) continue;
      if (!best || zone.length > best.zone.length) best = { block, zone };
    }
  }
  return best;
}

/** Is `name` (lower-case, absolute) equal to or below `zone`? */
export function nameInZone(name: string, zone: string): boolean {
  if (zone === ".") return true;
  return name === zone || name.endsWith(`.${zone}`);
}
