/**
 * CoreDNS's `cache` plugin (plugin/cache + plugin/pkg/cache), as a pure data structure with an
 * injectable clock and random source, so the simulated pod and the unit tests share one behaviour:
 *
 * - two caches, success (NOERROR with data, delegations) and denial (NXDOMAIN, NODATA, SERVFAIL);
 * - each split into 256 shards of floor(capacity/256) items, at least 4; a full shard evicts a
 *   random item (not the oldest, not the soonest to expire) and counts an eviction;
 * - TTL = clamp(minimal record TTL, minTtl, maxTtl); for denials the SOA minimum counts; SERVFAIL
 *   is kept 5 s; hits get every record's TTL set to what is left;
 * - key = lower-cased qname + qtype + DO + CD (CoreDNS hashes the same fields);
 * - expired items are not removed (CoreDNS never sweeps), they only stop matching;
 * - optional prefetch and serve_stale.
 */
import { canonicalName, Rcode, replyTo, RRType, type DnsMessage, type DnsRecord } from "./wire";

const SHARDS = 256;
const MIN_SHARD_SIZE = 4;

/** One of the two caches' settings (what `success`/`denial` configure). */
export interface CacheTierConfig {
  capacity: number;
  /** Seconds. */
  maxTtl: number;
  /** Seconds. */
  minTtl: number;
}

/** A `cache` directive, with CoreDNS's defaults applied. */
export interface CacheConfig {
  success: CacheTierConfig;
  denial: CacheTierConfig;
  prefetch: { amount: number; durationSeconds: number; percentage: number } | null;
  serveStale: { durationSeconds: number; mode: "immediate" | "verify" } | null;
  /** How long SERVFAIL answers are kept, seconds (default 5, `servfail DURATION`). */
  servfailTtl: number;
}

/** CoreDNS's defaults for `cache` with no arguments. */
export const DEFAULT_CACHE_CONFIG: CacheConfig = {
  success: { capacity: 10000, maxTtl: 3600, minTtl: 5 },
  denial: { capacity: 10000, maxTtl: 1800, minTtl: 5 },
  prefetch: null,
  serveStale: null,
  servfailTtl: 5,
};

export type CacheKind = "success" | "denial";

/** What CoreDNS's `response.Typify` makes of a reply, reduced to what caching needs. */
export type ResponseClass = "noerror" | "delegation" | "nxdomain" | "nodata" | "servfail" | "other";

export function classifyResponse(m: DnsMessage): ResponseClass {
  if (m.rcode === Rcode.NXDOMAIN) return "nxdomain";
  if (m.rcode === Rcode.SERVFAIL) return "servfail";
  if (m.rcode !== Rcode.NOERROR) return "other";
  if (m.answers.length > 0) return "noerror";
  if (m.authorities.some((r) => r.type === RRType.SOA)) return "nodata";
  if (m.authorities.some((r) => r.type === RRType.NS)) return "delegation";
  return "nodata";
}

interface CacheItem {
  kind: CacheKind;
  rcode: number;
  aa: boolean;
  ra: boolean;
  ad: boolean;
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
  storedAt: number;
  /** Seconds the item is fresh for. */
  origTtl: number;
  /** Times of recent hits, for prefetch's AMOUNT-within-DURATION rule. */
  recentHits: number[];
}

/** Result of a lookup: a hit carries the reply ready to send. */
export type CacheLookup =
  | {
      kind: "hit";
      type: CacheKind;
      reply: DnsMessage;
      /** Served past its TTL under serve_stale: the caller refreshes it in the background. */
      stale: boolean;
      /** Popular and about to expire: the caller fetches it again in the background. */
      prefetch: boolean;
    }
  | { kind: "miss" };

export interface CacheStore {
  /** Which cache took it, or null when it is not cacheable (truncated, REFUSED, ...). */
  stored: CacheKind | null;
  /** A random item had to go to make room. */
  evicted: boolean;
  /** The upstream reply with every TTL capped to the cache duration, as CoreDNS hands it on. */
  reply: DnsMessage;
}

/** The key CoreDNS's `hash()` covers: qname (case-insensitive), qtype, DO and CD. */
export function cacheKey(req: DnsMessage): string | null {
  const q = req.questions[0];
  if (!q) return null;
  return `${canonicalName(q.name)}|${q.type}|${req.edns?.do ? 1 : 0}|${req.cd ? 1 : 0}`;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One of the two caches: 256 shards with random eviction. */
class ShardedStore {
  // Shards are created on first use: a pod has 8 caches of 256 shards, most of them never touched.
  private readonly shards: (Map<string, CacheItem> | undefined)[] = new Array<
    Map<string, CacheItem> | undefined
  >(SHARDS);
  private count = 0;
  readonly shardSize: number;

  constructor(
    capacity: number,
    private readonly random: () => number,
  ) {
    this.shardSize = Math.max(MIN_SHARD_SIZE, Math.floor(capacity / SHARDS));
  }

  private shard(key: string): Map<string, CacheItem> {
    const i = fnv1a(key) & (SHARDS - 1);
    let shard = this.shards[i];
    if (!shard) {
      shard = new Map();
      this.shards[i] = shard;
    }
    return shard;
  }

  get(key: string): CacheItem | undefined {
    return this.shard(key).get(key);
  }

  /** Returns true when another item was evicted to make room. */
  add(key: string, item: CacheItem): boolean {
    const shard = this.shard(key);
    let evicted = false;
    if (!shard.has(key) && shard.size >= this.shardSize) {
      const victim = Math.floor(this.random() * shard.size);
      let i = 0;
      for (const k of shard.keys()) {
        if (i++ === victim) {
          shard.delete(k);
          this.count--;
          evicted = true;
          break;
        }
      }
    }
    if (!shard.has(key)) this.count++;
    shard.set(key, item);
    return evicted;
  }

  remove(key: string): void {
    if (this.shard(key).delete(key)) this.count--;
  }

  get size(): number {
    return this.count;
  }
}

function minimalTtl(m: DnsMessage, cls: ResponseClass): number {
  if (cls !== "noerror" && cls !== "nxdomain" && cls !== "nodata") return DEFAULT_CACHE_CONFIG.success.minTtl;
  const records = [...m.answers, ...m.authorities, ...m.additionals];
  if (m.answers.length + m.authorities.length === 0) return DEFAULT_CACHE_CONFIG.success.minTtl;
  let ttl = DEFAULT_CACHE_CONFIG.success.maxTtl;
  for (const r of records) {
    ttl = Math.min(ttl, r.ttl);
    // A denial lives as long as the SOA says negative answers may (RFC 2308).
    if ((cls === "nxdomain" || cls === "nodata") && r.data.kind === "SOA")
      ttl = Math.min(ttl, r.data.minimum);
  }
  return ttl;
}

function clamp(ttl: number, min: number, max: number): number {
  return Math.min(Math.max(ttl, min), max);
}

function withTtl(records: DnsRecord[], ttl: number): DnsRecord[] {
  return records.map((r) => ({ ...r, ttl }));
}

export class DnsCache {
  private readonly successStore: ShardedStore;
  private readonly denialStore: ShardedStore;
  private readonly now: () => number;

  constructor(
    readonly config: CacheConfig,
    opts: { now?: () => number; random?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
    const random = opts.random ?? Math.random;
    this.successStore = new ShardedStore(config.success.capacity, random);
    this.denialStore = new ShardedStore(config.denial.capacity, random);
  }

  /** Items per shard for each cache (effective capacity = 256 × this). */
  shardSizes(): { success: number; denial: number } {
    return { success: this.successStore.shardSize, denial: this.denialStore.shardSize };
  }

  size(kind: CacheKind): number {
    return kind === "success" ? this.successStore.size : this.denialStore.size;
  }

  private remaining(item: CacheItem, now: number): number {
    return item.origTtl - Math.floor((now - item.storedAt) / 1000);
  }

  /** `getIgnoreTTL` + `ServeDNS`: denial cache first, then success; a hit is fresh or within serve_stale. */
  lookup(req: DnsMessage): CacheLookup {
    const key = cacheKey(req);
    if (!key) return { kind: "miss" };
    const now = this.now();
    const staleUpTo = this.config.serveStale?.durationSeconds ?? 0;
    for (const store of [this.denialStore, this.successStore]) {
      const item = store.get(key);
      if (!item) continue;
      const ttl = this.remaining(item, now);
      if (!(ttl > 0 || (staleUpTo > 0 && -ttl < staleUpTo))) continue;
      const stale = ttl < 0;
      return {
        kind: "hit",
        type: item.kind,
        reply: this.toReply(item, req, Math.max(ttl, 0)),
        stale,
        prefetch: !stale && this.shouldPrefetch(item, ttl, now),
      };
    }
    return { kind: "miss" };
  }

  private shouldPrefetch(item: CacheItem, ttl: number, now: number): boolean {
    const p = this.config.prefetch;
    if (!p || p.amount <= 0) return false;
    const windowStart = now - p.durationSeconds * 1000;
    item.recentHits = item.recentHits.filter((t) => t > windowStart);
    item.recentHits.push(now);
    const threshold = Math.ceil((p.percentage / 100) * item.origTtl);
    return item.recentHits.length >= p.amount && ttl <= threshold;
  }

  private toReply(item: CacheItem, req: DnsMessage, ttl: number): DnsMessage {
    const reqDo = req.edns?.do ?? false;
    return {
      ...replyTo(req),
      // CoreDNS sets AA on every cached answer: some clients drop non-authoritative replies (coredns#3073).
      aa: true,
      ra: item.ra,
      ad: item.ad && (reqDo || req.ad),
      rcode: item.rcode,
      answers: withTtl(item.answers, ttl),
      authorities: withTtl(item.authorities, ttl),
      additionals: withTtl(item.additionals, ttl),
      edns: req.edns ? { ...req.edns, options: [] } : null,
    };
  }

  /**
   * The cache's ResponseWriter: caches `res` (the upstream's reply to `req`) and returns it with TTLs
   * capped. `prefetch` marks a background refresh, which also drops a denial entry for the same key.
   */
  store(req: DnsMessage, res: DnsMessage, opts: { prefetch?: boolean } = {}): CacheStore {
    const key = cacheKey(req);
    const cls = classifyResponse(res);
    if (!key || res.tc || cls === "other") return { stored: null, evicted: false, reply: res };
    const denial = cls === "nxdomain" || cls === "nodata" || cls === "servfail";
    const tier = denial ? this.config.denial : this.config.success;
    const duration =
      cls === "servfail" ? this.config.servfailTtl : clamp(minimalTtl(res, cls), tier.minTtl, tier.maxTtl);
    if (duration <= 0) return { stored: null, evicted: false, reply: res };
    const kind: CacheKind = denial ? "denial" : "success";
    const reply: DnsMessage = {
      ...res,
      answers: withTtl(res.answers, duration),
      authorities: withTtl(res.authorities, duration),
      additionals: withTtl(res.additionals, duration),
    };
    const item: CacheItem = {
      kind,
      rcode: res.rcode,
      aa: res.aa,
      ra: res.ra,
      ad: res.ad,
      answers: reply.answers,
      authorities: reply.authorities,
      additionals: reply.additionals,
      storedAt: this.now(),
      origTtl: duration,
      recentHits: [],
    };
    const evicted = (denial ? this.denialStore : this.successStore).add(key, item);
    if (opts.prefetch && !denial) this.denialStore.remove(key);
    return { stored: kind, evicted, reply };
  }
}
