import { describe, expect, it } from "vitest";
import { classifyResponse, DEFAULT_CACHE_CONFIG, DnsCache, type CacheConfig } from "../../sim/dns/cache";
import { buildQuery, Rcode, replyTo, RRType, type DnsMessage, type DnsRecord } from "../../sim/dns/wire";

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (s: number) => (t += s * 1000) };
}

const soa = (minimum: number, ttl = 30): DnsRecord => ({
  name: "cluster.local.",
  type: RRType.SOA,
  class: 1,
  ttl,
  data: {
    kind: "SOA",
    mname: "ns.dns.cluster.local.",
    rname: "hostmaster.cluster.local.",
    serial: 1,
    refresh: 7200,
    retry: 1800,
    expire: 86400,
    minimum,
  },
});

function query(name: string, type: number = RRType.A, doBit = false): DnsMessage {
  return buildQuery({ id: 42, name, type, edns: doBit ? { udpSize: 1232, do: true } : null });
}

function answer(req: DnsMessage, ttl: number, address = "10.96.0.1"): DnsMessage {
  const q = req.questions[0]!;
  return {
    ...replyTo(req),
    ra: true,
    answers: [{ name: q.name, type: RRType.A, class: 1, ttl, data: { kind: "A", address } }],
  };
}

function nxdomain(req: DnsMessage, minimum: number): DnsMessage {
  return { ...replyTo(req), aa: true, rcode: Rcode.NXDOMAIN, authorities: [soa(minimum)] };
}

const cfg = (over: Partial<CacheConfig> = {}): CacheConfig => ({ ...DEFAULT_CACHE_CONFIG, ...over });

describe("CoreDNS cache semantics", () => {
  it("misses, stores, then hits with the TTL decremented by age", () => {
    const c = clock();
    const cache = new DnsCache(cfg({ success: { capacity: 9984, maxTtl: 30, minTtl: 5 } }), { now: c.now });
    const req = query("kubernetes.default.svc.cluster.local.");
    expect(cache.lookup(req).kind).toBe("miss");
    const stored = cache.store(req, answer(req, 300));
    expect(stored.stored).toBe("success");
    expect(stored.reply.answers[0]!.ttl).toBe(30); // capped to the max TTL on the way out, too
    c.advance(12.5);
    const hit = cache.lookup({ ...req, id: 99 });
    expect(hit.kind).toBe("hit");
    if (hit.kind !== "hit") return;
    expect(hit.type).toBe("success");
    expect(hit.reply.id).toBe(99);
    expect(hit.reply.aa).toBe(true);
    expect(hit.reply.ra).toBe(true);
    expect(hit.reply.answers[0]!.ttl).toBe(18);
    c.advance(17.5);
    expect(cache.lookup(req).kind).toBe("miss"); // expired at exactly 30 s
    expect(cache.size("success")).toBe(1); // CoreDNS never sweeps expired items
  });

  it("raises short TTLs to the minimum and takes a denial's TTL from the SOA minimum", () => {
    const c = clock();
    const cache = new DnsCache(cfg({ denial: { capacity: 9984, maxTtl: 30, minTtl: 5 } }), { now: c.now });
    const short = query("short.example.");
    expect(cache.store(short, answer(short, 1)).reply.answers[0]!.ttl).toBe(5);
    const nx = query("nope.default.svc.cluster.local.");
    const s = cache.store(nx, nxdomain(nx, 10));
    expect(s.stored).toBe("denial");
    expect(s.reply.authorities[0]!.ttl).toBe(10);
    c.advance(9);
    const hit = cache.lookup(nx);
    expect(hit.kind === "hit" && hit.type).toBe("denial");
    expect(hit.kind === "hit" && hit.reply.rcode).toBe(Rcode.NXDOMAIN);
    c.advance(1);
    expect(cache.lookup(nx).kind).toBe("miss");
  });

  it("classifies NODATA and SERVFAIL as denials; SERVFAIL lives 5 s; REFUSED and truncated replies are not cached", () => {
    const c = clock();
    const cache = new DnsCache(cfg(), { now: c.now });
    const aaaa = query("svc.ns.svc.cluster.local.", RRType.AAAA);
    const nodata: DnsMessage = { ...replyTo(aaaa), aa: true, authorities: [soa(30)] };
    expect(classifyResponse(nodata)).toBe("nodata");
    expect(cache.store(aaaa, nodata).stored).toBe("denial");
    const sf = query("broken.example.");
    expect(cache.store(sf, { ...replyTo(sf), rcode: Rcode.SERVFAIL }).stored).toBe("denial");
    c.advance(4);
    expect(cache.lookup(sf).kind).toBe("hit");
    c.advance(1);
    expect(cache.lookup(sf).kind).toBe("miss");
    const r = query("refused.example.");
    expect(cache.store(r, { ...replyTo(r), rcode: Rcode.REFUSED }).stored).toBeNull();
    const t = query("big.example.");
    expect(cache.store(t, { ...answer(t, 60), tc: true }).stored).toBeNull();
  });

  it("keys on qname case-insensitively, qtype and the DO bit", () => {
    const cache = new DnsCache(cfg(), { now: clock().now });
    const req = query("Example.COM.");
    cache.store(req, answer(req, 60));
    expect(cache.lookup(query("example.com.")).kind).toBe("hit");
    expect(cache.lookup(query("example.com.", RRType.AAAA)).kind).toBe("miss");
    expect(cache.lookup(query("example.com.", RRType.A, true)).kind).toBe("miss");
  });

  it("splits capacity into 256 shards of at least 4 and evicts at random within a full shard", () => {
    expect(
      new DnsCache(cfg({ success: { capacity: 9984, maxTtl: 30, minTtl: 5 } })).shardSizes().success,
    ).toBe(39);
    expect(
      new DnsCache(cfg({ success: { capacity: 100, maxTtl: 30, minTtl: 5 } })).shardSizes().success,
    ).toBe(4);
    const cache = new DnsCache(cfg({ success: { capacity: 1024, maxTtl: 30, minTtl: 5 } }), {
      now: clock().now,
      random: () => 0.5,
    });
    let evictions = 0;
    for (let i = 0; i < 3000; i++) {
      const req = query(`host${i}.example.`);
      if (cache.store(req, answer(req, 60)).evicted) evictions++;
    }
    // 256 shards × 4 = 1024 at most; every store beyond a full shard evicts exactly one item.
    expect(cache.size("success")).toBeLessThanOrEqual(1024);
    expect(cache.size("success") + evictions).toBe(3000);
    // Re-storing an existing key never evicts.
    const again = query("host2999.example.");
    expect(cache.store(again, answer(again, 60)).evicted).toBe(false);
  });

  it("prefetches a popular item near expiry and serves stale items when configured", () => {
    const c = clock();
    const cache = new DnsCache(
      cfg({
        success: { capacity: 9984, maxTtl: 100, minTtl: 5 },
        prefetch: { amount: 2, durationSeconds: 120, percentage: 10 },
        serveStale: { durationSeconds: 3600, mode: "immediate" },
      }),
      { now: c.now },
    );
    const req = query("popular.example.");
    cache.store(req, answer(req, 100));
    const first = cache.lookup(req);
    expect(first.kind === "hit" && first.prefetch).toBe(false);
    c.advance(91);
    const near = cache.lookup(req);
    expect(near.kind === "hit" && near.prefetch).toBe(true); // 2 hits within 120 s and 9 s ≤ 10% of 100 s left
    c.advance(20);
    const stale = cache.lookup(req);
    expect(stale.kind === "hit" && stale.stale).toBe(true);
    expect(stale.kind === "hit" && stale.reply.answers[0]!.ttl).toBe(0);
    // A prefetched success replaces a denial for the same key.
    const nx = query("flappy.example.");
    cache.store(nx, nxdomain(nx, 30));
    cache.store(nx, answer(nx, 60), { prefetch: true });
    const after = cache.lookup(nx);
    expect(after.kind === "hit" && after.type).toBe("success");
  });
});
