import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildNodeScrape,
  cacheHitRatio,
  histogramQuantile,
  NODE_RECORD_SAMPLE_NAMES,
} from "@/lib/coredns/node-record";
import { parsePrometheusText } from "@/lib/prometheus-text/parse";

const fixtures = path.resolve(__dirname, "../../../shared/fixtures/coredns");
const scrapeOf = (file: string) =>
  buildNodeScrape(parsePrometheusText(readFileSync(path.join(fixtures, file), "utf8")).samples);

describe("buildNodeScrape on real dumps", () => {
  it("node-cache's setup errors: on :9253 from CoreDNS 1.10.0 (default registry), only on :9353 for 1.7.0", () => {
    const zeros = { iptables: 0, iptables_lock: 0, interface_add: 0, interface_check: 0, configmap: 0 };
    expect(scrapeOf("metrics-nodecache-1.22.28-coredns-1.10.0-traffic.txt").setupErrors).toEqual(zeros);
    expect(scrapeOf("metrics-nodecache-1.22.13-coredns-1.7.0-traffic.txt").setupErrors).toBeNull();
    expect(scrapeOf("metrics-nodecache-1.22.13-coredns-1.7.0-port9353.txt").setupErrors).toEqual(zeros);
  });

  it("CoreDNS 1.10.0: misses derived as requests − hits (misses_total is deprecated), per-zone split, forward family", () => {
    const s = scrapeOf("metrics-nodecache-1.22.28-coredns-1.10.0-traffic.txt");
    expect(s.corednsVersion).toBe("1.10.0");
    expect(s.counters.hits).toBe(338);
    expect(s.counters.cacheRequests).toBe(407);
    expect(s.counters.misses).toBe(69); // = sum of the deprecated misses_total here
    expect(s.counters.upstreamRequests).toBe(56 + 13);
    expect(s.zones.map((z) => z.zone)).toEqual(["cluster.local.", "in-addr.arpa.", "ip6.arpa.", "."]);
    const cl = s.zones.find((z) => z.zone === "cluster.local.")!;
    expect(cl.hits).toBe(134 + 12 + 93 + 14);
    expect(cl.misses).toBe(178 + 127 - cl.hits);
    expect(Object.keys(s.requestsByServer).sort()).toEqual(["dns://127.0.0.10:53", "dns://127.0.0.20:53"]);
    expect(s.latency?.bounds.at(-1)).toBe(Infinity);
    // The reload plugin reports its hash only once it has seen a change.
    expect(s.configHash).toBeNull();
    expect(scrapeOf("metrics-nodecache-1.22.28-coredns-1.10.0-after-reload.txt").configHash).toMatch(
      /^[0-9a-f]{128}$/,
    );
  });

  it("CoreDNS 1.7.0: misses from misses_total, no zones label on cache series", () => {
    const s = scrapeOf("metrics-nodecache-1.22.13-coredns-1.7.0-traffic.txt");
    expect(s.corednsVersion).toBe("1.7.0");
    expect(s.counters.hits).toBe(161 + 39 + 113 + 24);
    expect(s.counters.misses).toBe(46 + 24);
    expect(s.counters.upstreamRequests).toBe(56 + 14);
    // One cache exported under both listen addresses: counted once (the larger, most recent snapshot).
    expect(s.entries.total).toBe(Math.max(44, 47) + Math.max(4, 5));
    expect(s.zones.every((z) => z.hits === 0)).toBe(true);
    expect(scrapeOf("metrics-nodecache-1.22.13-coredns-1.7.0-after-reload.txt").configHash).toMatch(
      /^[0-9a-f]{32}$/,
    );
  });

  it("startup: no hit series yet means 0 hits, not unknown", () => {
    const s = scrapeOf("metrics-nodecache-1.22.28-coredns-1.10.0-startup.txt");
    expect(s.counters.hits).toBe(0);
    expect(s.counters.cacheRequests).toBeGreaterThan(0);
  });

  it("upstream down: health-check failures and broken counters, SERVFAIL responses", () => {
    const s = scrapeOf("metrics-nodecache-1.22.28-coredns-1.10.0-upstream-down.txt");
    expect(s.counters.upstreamHealthcheckFailures).toBeGreaterThan(0);
    expect(s.counters.upstreamBroken).toBe(12);
    expect(s.counters.responsesByRcode.SERVFAIL).toBeGreaterThanOrEqual(12);
  });

  it("reload failed: counted", () => {
    expect(scrapeOf("metrics-nodecache-1.22.28-coredns-1.10.0-reload-failed.txt").counters.reloadFailed).toBe(
      1,
    );
  });

  it("reads the pre-1.7 netdata dump with no final newline", () => {
    const s = scrapeOf("metrics-netdata-coredns-1.6.9-some-load.txt");
    expect(s.sampleCount).toBeGreaterThan(100);
  });
});

describe("ratios and quantiles", () => {
  it("cacheHitRatio", () => {
    expect(cacheHitRatio(3, 1)).toBe(0.75);
    expect(cacheHitRatio(0, 0)).toBeNull();
  });
  it("histogramQuantile interpolates inside the bucket like PromQL", () => {
    const h = { bounds: [0.1, 0.2, Infinity], counts: [50, 100, 100], sum: 0, count: 100 };
    expect(histogramQuantile(0.5, h)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.75, h)).toBeCloseTo(0.15);
    expect(histogramQuantile(0.5, { ...h, counts: [0, 0, 0], count: 0 })).toBeNull();
  });
});

describe("the collector's parse of only the families the node record reads", () => {
  const dumps = readdirSync(fixtures).filter((f) => f.startsWith("metrics-") && f.endsWith(".txt"));

  it.each(dumps)("%s: the same node record as from every sample, and those samples read alike", (file) => {
    const text = readFileSync(path.join(fixtures, file), "utf8");
    const full = parsePrometheusText(text);
    const only = parsePrometheusText(text, { families: NODE_RECORD_SAMPLE_NAMES });
    expect(only.sampleLines).toBe(full.samples.length);
    expect(only.samples).toEqual(full.samples.filter((s) => NODE_RECORD_SAMPLE_NAMES.has(s.name)));
    expect(only.samples.length).toBeLessThan(full.samples.length);
    expect(buildNodeScrape(only.samples, only.sampleLines)).toEqual(buildNodeScrape(full.samples));
  });
});

describe("cache entries are per cache, not per listen address", () => {
  it("a block's cache exported under both listen addresses is counted once (CoreDNS ≥1.9: by zones)", () => {
    const s = scrapeOf("metrics-nodecache-1.22.28-coredns-1.10.0-traffic.txt");
    // cluster.local.: denial 44 / 47 and success 4 / 5 under dns://127.0.0.10:53 and dns://127.0.0.20:53.
    const cl = s.zones.find((z) => z.zone === "cluster.local.");
    expect(cl?.entries).toBe(47 + 5);
    // Every block once: . (9+4), cluster.local. (47+5), in-addr.arpa. (1+1), ip6.arpa. (2+0).
    expect(s.entries.total).toBe(13 + 52 + 2 + 2);
    expect(s.entries.denial).toBe(9 + 47 + 1 + 2);
  });

  it("counters still add up over listen addresses", () => {
    const one = buildNodeScrape([
      {
        name: "coredns_cache_entries",
        labels: { server: "dns://a:53", zones: ".", type: "success", view: "" },
        value: 543,
      },
      {
        name: "coredns_cache_entries",
        labels: { server: "dns://b:53", zones: ".", type: "success", view: "" },
        value: 543,
      },
      {
        name: "coredns_cache_hits_total",
        labels: { server: "dns://a:53", zones: ".", type: "success", view: "" },
        value: 10,
      },
      {
        name: "coredns_cache_hits_total",
        labels: { server: "dns://b:53", zones: ".", type: "success", view: "" },
        value: 5,
      },
    ]);
    expect(one.entries.total).toBe(543);
    expect(one.counters.hits).toBe(15);
  });
});
