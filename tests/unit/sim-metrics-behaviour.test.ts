/**
 * Behaviour of the emulated /metrics that the dashboard depends on: which families are absent until
 * their first observation, the reload hash gauge, 1.7.0's shared cache gauge, and the runtime model
 * (counters that never go back, memory that follows the cache).
 */
import { describe, expect, it } from "vitest";
import { corefileHash, createCorednsMetrics, qtypeLabel, type CorednsMetrics } from "@/sim/dns/metrics";
import type { CorednsVersion } from "@/sim/runtime";

const S = "dns://169.254.20.10:53";
const START = new Date("2026-01-01T00:00:00Z");

function metricsAt(
  version: CorednsVersion,
  clock: { t: number },
  cacheEntriesForMemory?: () => number,
): CorednsMetrics {
  return createCorednsMetrics({
    version,
    startTime: START,
    now: () => new Date(START.getTime() + clock.t),
    cacheEntriesForMemory,
  });
}

/** Sample lines of one family (or one sample name), e.g. `coredns_cache_hits_total`. */
function lines(text: string, name: string): string[] {
  return text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

function value(text: string, sample: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `));
  if (line === undefined) throw new Error(`no sample ${sample} in the rendered text`);
  return Number(line.slice(sample.length + 1));
}

describe.each(["1.7.0", "1.10.0", "1.11.3", "1.12.2", "1.13.1"] as const)(
  "CoreDNS %s: families that wait for their first observation",
  (version) => {
    const fresh = () => metricsAt(version, { t: 1000 });

    it("has no cache hit, eviction, prefetch, served-stale or drop series before one happens", () => {
      const m = fresh();
      m.cacheRequest({ server: S, zones: "." });
      m.cacheMiss({ server: S, zones: "." });
      m.cacheEntries({ server: S, zones: ".", type: "success" }, 1);
      const before = m.render();
      for (const family of ["hits", "evictions", "prefetch", "served_stale", "drops"]) {
        expect(before, family).not.toContain(`coredns_cache_${family}_total`);
      }
      m.cacheHit({ server: S, zones: ".", type: "success" });
      m.cachePrefetch({ server: S, zones: "." });
      m.cacheServedStale({ server: S, zones: "." });
      m.cacheDrop({ server: S, zones: "." });
      m.cacheEviction({ server: S, zones: ".", type: "denial" });
      const after = m.render();
      for (const family of ["hits", "prefetch", "served_stale", "drops"]) {
        expect(lines(after, `coredns_cache_${family}_total`), family).toHaveLength(1);
      }
      // 1.7.0 predates cache_evictions_total (1.8.4).
      expect(lines(after, "coredns_cache_evictions_total")).toHaveLength(version === "1.7.0" ? 0 : 1);
    });

    it("has no dns_* or plugin_enabled series before a query or a plugin, and no reload hash before a change", () => {
      const text = fresh().render();
      for (const family of [
        "dns_requests_total",
        "dns_responses_total",
        "dns_request_duration_seconds",
        "plugin_enabled",
        "reload_version_info",
      ]) {
        expect(text, family).not.toContain(`coredns_${family}`);
      }
      expect(lines(text, "coredns_build_info")).toHaveLength(1);
      expect(lines(text, "coredns_panics_total")).toEqual(["coredns_panics_total 0"]);
    });

    it("prints plain metrics at 0 from the start only from 1.7.1 on (default registry)", () => {
      const text = fresh().render();
      const plain = [
        "coredns_reload_failed_total",
        "coredns_forward_max_concurrent_rejects_total",
        "coredns_forward_healthcheck_broken_total",
        "coredns_health_request_failures_total",
        "coredns_hosts_reload_timestamp_seconds",
      ];
      for (const name of plain)
        expect(lines(text, name), name).toEqual(version === "1.7.0" ? [] : [`${name} 0`]);
      const setupErrors = lines(text, "coredns_nodecache_setup_errors_total");
      expect(setupErrors).toHaveLength(version === "1.7.0" ? 0 : 5);
      expect(text.includes("promhttp_metric_handler_requests_total")).toBe(version !== "1.7.0");
    });
  },
);

describe("CoreDNS 1.7.0 registration", () => {
  it("registers forward's plain counter when forward starts, and reload's on the first restart", () => {
    const m = metricsAt("1.7.0", { t: 1000 });
    m.pluginEnabled({ server: S, zone: ".", name: "forward" });
    expect(lines(m.render(), "coredns_forward_max_concurrent_rejects_total")).toEqual([
      "coredns_forward_max_concurrent_rejects_total 0",
    ]);
    m.forwardHealthcheckBroken(); // not registered in 1.7.0: nothing to count
    m.forwardConnCache({ to: "10.96.0.11:53", proto: "tcp", hit: false }); // no conn-cache metrics yet
    expect(m.render()).not.toMatch(/healthcheck_broken|conn_cache/);
    m.reloadVersion("a");
    expect(lines(m.render(), "coredns_reload_failed_total")).toEqual(["coredns_reload_failed_total 0"]);
  });

  it("shares one cache_entries gauge per (server, type) between the blocks, so the last write wins", () => {
    const m = metricsAt("1.7.0", { t: 1000 });
    m.cacheEntries({ server: S, zones: "cluster.local.", type: "denial" }, 44);
    m.cacheEntries({ server: S, zones: ".", type: "denial" }, 6);
    m.cacheHit({ server: S, zones: "cluster.local.", type: "denial" });
    m.cacheHit({ server: S, zones: ".", type: "denial" });
    const text = m.render();
    expect(lines(text, "coredns_cache_entries")).toEqual([
      `coredns_cache_entries{server="${S}",type="denial"} 6`,
    ]);
    expect(lines(text, "coredns_cache_hits_total")).toEqual([
      `coredns_cache_hits_total{server="${S}",type="denial"} 2`,
    ]);
  });

  it("puts the qtype bucket on the request duration histogram", () => {
    const m = metricsAt("1.7.0", { t: 1000 });
    m.response({
      server: S,
      zone: ".",
      proto: "udp",
      rcode: "NOERROR",
      plugin: "cache",
      sizeBytes: 60,
      durationSeconds: 0.0003,
      qtype: "HTTPS",
    });
    expect(m.render()).toContain(
      `coredns_dns_request_duration_seconds_count{server="${S}",type="other",zone="."} 1`,
    );
  });
});

describe("reload_version_info", () => {
  it.each([
    ["1.7.0", "md5", 32],
    ["1.10.0", "sha512", 128],
    ["1.11.3", "sha512", 128],
    ["1.12.2", "sha512", 128],
    ["1.13.1", "sha512", 128],
  ] as const)(
    "%s shows one %s series: the last Corefile seen, even when its reload failed",
    (version, kind, hexLength) => {
      const m = metricsAt(version, { t: 1000 });
      m.reloadVersion("first edit");
      m.reloadVersion("second edit");
      m.reloadFailed();
      m.reloadVersion("second edit"); // unchanged: nothing happens
      const text = m.render();
      const info = lines(text, "coredns_reload_version_info");
      expect(info).toEqual([
        `coredns_reload_version_info{hash="${kind}",value="${corefileHash(version, "second edit")}"} 1`,
      ]);
      expect(corefileHash(version, "x")).toMatch(new RegExp(`^[0-9a-f]{${hexLength}}$`));
      expect(value(text, "coredns_reload_failed_total")).toBe(1);
    },
  );

  it("resets plugin_enabled on reload so only the new instance's plugins show", () => {
    const m = metricsAt("1.10.0", { t: 1000 });
    m.pluginEnabled({ server: S, zone: ".", name: "log" });
    m.resetPluginEnabled();
    m.pluginEnabled({ server: S, zone: ".", name: "cache" });
    expect(lines(m.render(), "coredns_plugin_enabled")).toEqual([
      `coredns_plugin_enabled{name="cache",server="${S}",view="",zone="."} 1`,
    ]);
  });
});

describe("request labels", () => {
  it("folds query types outside CoreDNS's list into other (HTTPS only after 1.7.0)", () => {
    expect(["A", "aaaa", "PTR", "SRV", "HINFO", "TYPE65", "NULL"].map((t) => qtypeLabel(t, true))).toEqual([
      "A",
      "AAAA",
      "PTR",
      "SRV",
      "other",
      "other",
      "other",
    ]);
    expect([qtypeLabel("HTTPS", true), qtypeLabel("HTTPS", false)]).toEqual(["HTTPS", "other"]);
  });

  it("counts DO-bit requests, families and protocols separately", () => {
    const m = metricsAt("1.10.0", { t: 1000 });
    m.request({ server: S, zone: ".", proto: "tcp", family: 2, qtype: "A", sizeBytes: 40, doBit: true });
    m.request({ server: S, zone: ".", proto: "udp", family: 1, qtype: "A", sizeBytes: 40, doBit: false });
    const text = m.render();
    expect(lines(text, "coredns_dns_do_requests_total")).toEqual([
      `coredns_dns_do_requests_total{server="${S}",view="",zone="."} 1`,
    ]);
    expect(lines(text, "coredns_dns_requests_total")).toEqual([
      `coredns_dns_requests_total{family="1",proto="udp",server="${S}",type="A",view="",zone="."} 1`,
      `coredns_dns_requests_total{family="2",proto="tcp",server="${S}",type="A",view="",zone="."} 1`,
    ]);
  });
});

describe("runtime model", () => {
  const counters = [
    "go_memstats_alloc_bytes_total",
    "go_memstats_mallocs_total",
    "go_memstats_frees_total",
    "go_gc_duration_seconds_count",
    "go_gc_duration_seconds_sum",
    "process_cpu_seconds_total",
  ];

  it("never lets a counter go back as time passes, traffic flows and the cache fills and drains", () => {
    const clock = { t: 0 };
    let entries = 0;
    const m = metricsAt("1.10.0", clock, () => entries);
    let previous = m.render();
    for (let step = 1; step <= 60; step++) {
      clock.t += 7_000;
      entries = step < 40 ? step * 250 : 500;
      for (let i = 0; i < 200; i++)
        m.request({ server: S, zone: ".", proto: "udp", family: 1, qtype: "A", sizeBytes: 40, doBit: false });
      const text = m.render();
      for (const c of counters)
        expect(value(text, c), `${c} at step ${step}`).toBeGreaterThanOrEqual(value(previous, c));
      expect(value(text, "go_memstats_last_gc_time_seconds")).toBeGreaterThanOrEqual(
        value(previous, "go_memstats_last_gc_time_seconds"),
      );
      previous = text;
    }
    expect(value(previous, "go_gc_duration_seconds_count")).toBeGreaterThan(1);
  });

  it("grows resident memory by roughly 30 MB for a full 10k-entry cache", () => {
    let entries = 0;
    const m = metricsAt("1.10.0", { t: 60_000 }, () => entries);
    const empty = value(m.render(), "process_resident_memory_bytes");
    entries = 9984;
    const full = value(m.render(), "process_resident_memory_bytes");
    expect(empty).toBeGreaterThan(25e6);
    expect(empty).toBeLessThan(40e6);
    expect(full - empty).toBeGreaterThan(25e6);
    expect(full - empty).toBeLessThan(40e6);
  });

  it("sums the cache_entries gauges for memory when no callback is given", () => {
    const m = metricsAt("1.10.0", { t: 60_000 });
    const empty = value(m.render(), "process_resident_memory_bytes");
    m.cacheEntries({ server: S, zones: ".", type: "success" }, 5000);
    m.cacheEntries({ server: S, zones: "cluster.local.", type: "denial" }, 5000);
    expect(value(m.render(), "process_resident_memory_bytes") - empty).toBeGreaterThan(25e6);
  });

  it("reports the start time in /proc's 1/100 s resolution and the version's Go", () => {
    const m = createCorednsMetrics({
      version: "1.11.3",
      startTime: new Date(1795300498734),
      now: () => new Date(1795300600000),
    });
    const text = m.render();
    expect(lines(text, "process_start_time_seconds")).toEqual([
      "process_start_time_seconds 1.79530049873e+09",
    ]);
    expect(lines(text, "go_info")).toEqual(['go_info{version="go1.22.12"} 1']);
  });
});
