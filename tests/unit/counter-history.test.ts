import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildNodeScrape, type NodeScrape } from "@/lib/coredns/node-record";
import { nodeRates, serverRates, zoneRates } from "@/lib/coredns/rates";
import { RatioWindow } from "@/lib/coredns/ratio-window";
import { BitReader, BitWriter, DeltaState } from "@/lib/metrics/bits";
import { CHUNK_POINTS, historyPoint, NodeHistory } from "@/lib/metrics/counter-history";
import { parsePrometheusText } from "@/lib/prometheus-text/parse";

const fixtures = path.resolve(__dirname, "../../../shared/fixtures/coredns");
const base = buildNodeScrape(
  parsePrometheusText(
    readFileSync(path.join(fixtures, "metrics-nodecache-1.22.28-coredns-1.10.0-traffic.txt"), "utf8"),
  ).samples,
);

const anyValue = fc.oneof(
  { arbitrary: fc.integer({ min: -1e6, max: 1e6 }), weight: 4 },
  { arbitrary: fc.maxSafeInteger(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 2 ** 50, 2 ** 50 + 1, 2 ** 53), weight: 1 },
);

describe("delta-of-delta bit coding", () => {
  it("decodes every series of values to exactly what was written (NaN, -0, fractions included)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(anyValue, { maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        (series) => {
          const w = new BitWriter(1);
          const enc = series.map(() => new DeltaState());
          const longest = Math.max(...series.map((s) => s.length));
          // Interleaved, as a chunk stores a point's series one after another.
          for (let p = 0; p < longest; p++)
            series.forEach((s, i) => p < s.length && (enc[i] as DeltaState).encode(w, s[p] as number));
          const r = new BitReader(w.bytes());
          const dec = series.map(() => new DeltaState());
          const got: number[][] = series.map(() => []);
          for (let p = 0; p < longest; p++)
            series.forEach(
              (s, i) => p < s.length && (got[i] as number[]).push((dec[i] as DeltaState).decode(r)),
            );
          got.forEach((g, i) =>
            g.forEach((v, p) => expect(Object.is(v, (series[i] as number[])[p])).toBe(true)),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it("stores a counter that grows by the same step in one bit a point", () => {
    const w = new BitWriter();
    const s = new DeltaState();
    for (let i = 0; i < 1000; i++) s.encode(w, 5000 + 7 * i);
    expect(w.length).toBeLessThan(1000 + 2 * 70);
  });
});

/** A run of scrapes of one node: counters grow by random steps, sometimes the pod restarts. */
const scrapeRun = fc.array(
  fc.record({
    dt: fc.integer({ min: 4000, max: 6000 }),
    step: fc.nat({ max: 500 }),
    hitShare: fc.double({ min: 0, max: 1, noNaN: true }),
    restart: fc.boolean(),
    memory: fc.integer({ min: 10_000_000, max: 60_000_000 }),
  }),
  { minLength: 2, maxLength: CHUNK_POINTS * 2 + 10 },
);

function evolve(run: { dt: number; step: number; hitShare: number; restart: boolean; memory: number }[]) {
  let t = 1_700_000_000_000;
  let prev = base;
  return run.map((r, i) => {
    const reset = r.restart && i > 0 && i % 7 === 0;
    const from = reset ? 0 : 1;
    const hits = Math.round(r.step * r.hitShare);
    const c = prev.counters;
    const s: NodeScrape = {
      ...prev,
      counters: {
        ...c,
        requests: c.requests * from + r.step,
        cacheRequests: c.cacheRequests * from + r.step,
        hits: c.hits * from + hits,
        hitsSuccess: c.hitsSuccess * from + hits,
        misses: c.misses * from + (r.step - hits),
        responsesByRcode: Object.fromEntries(
          Object.entries(c.responsesByRcode).map(([k, v]) => [k, v * from + (k === "NOERROR" ? r.step : 0)]),
        ),
      },
      latency: prev.latency && {
        ...prev.latency,
        counts: prev.latency.counts.map((n, b) => n * from + Math.round((r.step * (b + 1)) / 20)),
        count: prev.latency.count * from + r.step,
      },
      zones: prev.zones.map((z) => ({
        ...z,
        requests: z.requests * from + r.step,
        hits: z.hits * from + hits,
      })),
      requestsByServer: Object.fromEntries(
        Object.entries(prev.requestsByServer).map(([k, v]) => [k, v * from + r.step]),
      ),
      memoryBytes: r.memory,
    };
    t += r.dt;
    prev = s;
    return { t, scrape: s, podChanged: reset };
  });
}

describe("NodeHistory: counters stored, rates derived on read", () => {
  it("reads back the rates the collector computed live, for the newest `capacity` scrapes", () => {
    fc.assert(
      fc.property(scrapeRun, fc.integer({ min: 2, max: CHUNK_POINTS * 2 }), (run, capacity) => {
        const scrapes = evolve(run);
        const h = new NodeHistory(capacity);
        const live: ({ t: number } & ReturnType<typeof historyPoint>)[] = [];
        const zones: unknown[] = [];
        const servers: unknown[] = [];
        // As the collector does live: the hit ratio over the last minute, restarted with the pod.
        const window = new RatioWindow();
        scrapes.forEach((s, i) => {
          const prev = scrapes[i - 1];
          let derived = null;
          if (prev) {
            const seconds = (s.t - prev.t) / 1000;
            const rates = nodeRates(prev.scrape, s.scrape, seconds, s.podChanged);
            if (rates.reset) window.clear();
            const hitRatio = window.push(s.t, rates.hitsPerSecond * seconds, rates.missesPerSecond * seconds);
            derived = { ...historyPoint(rates, s.scrape), hitRatio };
            live.push({ t: s.t, ...derived });
            zones.push(
              zoneRates(prev.scrape, s.scrape, seconds, rates.reset).map((z) => [z.zone, z.queriesPerSecond]),
            );
            servers.push(serverRates(prev.scrape, s.scrape, seconds, rates.reset));
          }
          h.push(s.t, s.scrape, s.podChanged, derived);
        });
        const want = live.slice(-capacity);
        expect(h.points()).toEqual(want);
        const since = want[Math.floor(want.length / 2)]?.t ?? 0;
        expect(h.points(since)).toEqual(want.filter((p) => p.t >= since));
        const blocks = h.serverBlocks();
        const cl = blocks.get("cluster.local.") ?? [];
        expect(cl.map((p) => p.queriesPerSecond)).toEqual(
          (zones.slice(-capacity) as [string, number][][]).map(
            (z) => z.find(([n]) => n === "cluster.local.")?.[1],
          ),
        );
        const listen = h.listenAddresses();
        const [server] = Object.keys(base.requestsByServer);
        expect(listen.get(server as string)?.map((p) => p.queriesPerSecond)).toEqual(
          (servers.slice(-capacity) as Record<string, number>[]).map((s) => s[server as string]),
        );
        expect(h.recentMedian("queriesPerSecond", 1)).toBe(want.at(-1)?.queriesPerSecond ?? null);
      }),
      { numRuns: 60 },
    );
  });

  it("keeps memory bounded by the window, at under 2 bytes per stored value for steady traffic", () => {
    const capacity = 720;
    const h = new NodeHistory(capacity);
    const run = Array.from({ length: 3 * capacity }, (_, i) => ({
      dt: 5000 + (i % 3) * 7,
      step: 400 + ((i * 37) % 60),
      hitShare: 0.8,
      restart: false,
      memory: 30_000_000 + ((i * 4096 * 13) % 2_000_000),
    }));
    for (const s of evolve(run)) h.push(s.t, s.scrape, s.podChanged, null);
    expect(h.length).toBeGreaterThanOrEqual(capacity + 1);
    expect(h.length).toBeLessThanOrEqual(capacity + 2 * CHUNK_POINTS);
    expect(h.points()).toHaveLength(capacity);
    expect(h.bytes / h.samples).toBeLessThan(2);
  });
});
