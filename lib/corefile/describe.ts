/**
 * The operator's view of a server block: what each plugin is set to, with CoreDNS's defaults filled
 * in where the Corefile leaves them out (cache sizes and TTLs, prometheus and health addresses).
 */
import { goAtoi, goParseDuration } from "./go-values";
import { parseServerKey } from "./keys";
import type {
  CacheTier,
  CorefileDirective,
  CorefileDocument,
  CorefileServerBlock,
  CorefileServerBlockNode,
} from "./types";

/** CoreDNS cache defaults (`plugin/cache/cache.go` New(), `plugin/pkg/dnsutil/ttl.go`). */
export const CACHE_DEFAULTS = {
  capacity: 10000,
  successMaxTtl: 3600,
  denialMaxTtl: 1800,
  minTtl: 5,
  prefetchDurationSeconds: 60,
  prefetchPercentage: 10,
  serveStaleSeconds: 3600,
} as const;

/** `prometheus` with no address listens on the metrics plugin's default. */
export const DEFAULT_PROMETHEUS_ADDRESS = "localhost:9153";
/** `health` with no address. */
export const DEFAULT_HEALTH_ADDRESS = ":8080";

/**
 * How many entries a cache really holds: CoreDNS splits CAPACITY over 256 shards of
 * trunc(CAPACITY/256) entries each, at least 4, so 10000 → 9984 and anything under 1024 → 1024.
 */
export function effectiveCapacity(capacity: number): number {
  const perShard = Math.trunc(capacity / 256);
  return 256 * Math.max(4, perShard);
}

/** Every server block of a document, described. */
export function describeCorefile(doc: CorefileDocument): CorefileServerBlock[] {
  return doc.blocks.map(describeServerBlock);
}

/**
 * One server block with defaults applied. Values CoreDNS would reject (see `validateCorefile`) are
 * skipped here, leaving the default, so describing never throws.
 */
export function describeServerBlock(block: CorefileServerBlockNode): CorefileServerBlock {
  const keys = block.keys.map((k) => parseServerKey(k));
  const all = (name: string) => block.directives.filter((d) => d.name === name);
  const first = (name: string) => all(name)[0];
  const prometheus = first("prometheus");
  const health = first("health");
  return {
    keys: [...block.keys],
    zones: keys.map((k) => k.zone),
    port: keys[0]?.port ?? 53,
    bind: all("bind").flatMap((d) => d.args),
    log: all("log").length > 0,
    errors: all("errors").length > 0,
    cache: describeCache(first("cache")),
    forward: describeForward(first("forward")),
    prometheus: prometheus ? (prometheus.args[0] ?? DEFAULT_PROMETHEUS_ADDRESS) : null,
    health: health ? (health.args[0] ?? DEFAULT_HEALTH_ADDRESS) : null,
    reload: all("reload").length > 0,
    loop: all("loop").length > 0,
    line: block.line,
  };
}

function int(s: string | undefined): number | null {
  if (s === undefined) return null;
  const r = goAtoi(s);
  return r.ok ? r.value : null;
}

function seconds(s: string | undefined): number | null {
  if (s === undefined) return null;
  const r = goParseDuration(s);
  return r.ok ? r.value : null;
}

function describeCache(d: CorefileDirective | undefined): CorefileServerBlock["cache"] {
  if (!d) return null;
  const success: CacheTier = {
    capacity: CACHE_DEFAULTS.capacity,
    maxTtl: CACHE_DEFAULTS.successMaxTtl,
    minTtl: CACHE_DEFAULTS.minTtl,
  };
  const denial: CacheTier = {
    capacity: CACHE_DEFAULTS.capacity,
    maxTtl: CACHE_DEFAULTS.denialMaxTtl,
    minTtl: CACHE_DEFAULTS.minTtl,
  };
  // `cache TTL [ZONES]`: a leading integer is the TTL for both caches; otherwise it is a zone.
  const ttl = int(d.args[0]);
  if (ttl !== null && ttl > 0) {
    success.maxTtl = ttl;
    denial.maxTtl = ttl;
  }
  let prefetch: NonNullable<CorefileServerBlock["cache"]>["prefetch"] = null;
  let serveStale: NonNullable<CorefileServerBlock["cache"]>["serveStale"] = null;
  for (const sub of d.block ?? []) {
    switch (sub.name) {
      case "success":
      case "denial": {
        const tier = sub.name === "success" ? success : denial;
        const [cap, max, min] = sub.args.map(int);
        if (cap !== undefined && cap !== null) tier.capacity = cap;
        if (max !== undefined && max !== null && max > 0) tier.maxTtl = max;
        if (min !== undefined && min !== null && min >= 0) tier.minTtl = min;
        break;
      }
      case "prefetch": {
        const amount = int(sub.args[0]);
        if (amount === null || amount < 0) break;
        const pct = sub.args[2];
        prefetch = {
          amount,
          durationSeconds: seconds(sub.args[1]) ?? CACHE_DEFAULTS.prefetchDurationSeconds,
          percentage:
            (pct && pct.endsWith("%") ? int(pct.slice(0, -1)) : null) ?? CACHE_DEFAULTS.prefetchPercentage,
        };
        break;
      }
      case "serve_stale": {
        const mode = sub.args[1]?.toLowerCase() === "verify" ? "verify" : "immediate";
        serveStale = { durationSeconds: seconds(sub.args[0]) ?? CACHE_DEFAULTS.serveStaleSeconds, mode };
        break;
      }
      default:
        break;
    }
  }
  return { success, denial, prefetch, serveStale };
}

function describeForward(d: CorefileDirective | undefined): CorefileServerBlock["forward"] {
  if (!d) return null;
  const subs = new Set((d.block ?? []).map((s) => s.name));
  return {
    from: d.args[0] ?? "",
    to: d.args.slice(1),
    forceTcp: subs.has("force_tcp"),
    preferUdp: subs.has("prefer_udp"),
  };
}

/** The `success`/`denial` lines of a cache block that give a TTL (their second argument). */
export function tiersWithOwnTtl(
  cache: CorefileDirective | undefined,
): { tier: "success" | "denial"; ttl: number; line: number }[] {
  const out: { tier: "success" | "denial"; ttl: number; line: number }[] = [];
  for (const s of cache?.block ?? []) {
    if (s.name !== "success" && s.name !== "denial") continue;
    const ttl = s.args[1] !== undefined ? goAtoi(s.args[1]) : null;
    if (ttl?.ok) out.push({ tier: s.name, ttl: ttl.value, line: s.line });
  }
  return out;
}
