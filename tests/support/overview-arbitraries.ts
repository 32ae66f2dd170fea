/** fast-check arbitraries of the overview's rows (tests/unit/overview-*.test.ts). */
import fc from "fast-check";
import type { OverviewRow } from "@/lib/overview/wire";

/** DNS-1123 names as Kubernetes allows them for nodes and pods. */
export const dnsName = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,40}[a-z0-9])?$/);
export const time = fc.integer({
  min: Date.parse("2020-01-01T00:00:00Z"),
  max: Date.parse("2030-01-01T00:00:00Z"),
});
const iso = time.map((t) => new Date(t).toISOString());
const rate = fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(0));

export const overviewRowArb: fc.Arbitrary<OverviewRow> = fc
  .record({
    node: dnsName,
    nodeReady: fc.boolean(),
    nodeConditions: fc.array(
      fc.constantFrom("MemoryPressure=True", "DiskPressure=True", "PIDPressure=Unknown"),
      {
        maxLength: 2,
      },
    ),
    reachability: fc.constantFrom(null, "transparent", "redirected", "no-traffic", "no-redirect-policy"),
    redirectPolicy: fc.option(fc.constantFrom("kube-system/nodelocaldns", "default/lrp")),
    pod: fc.option(dnsName),
    podReady: fc.boolean(),
    podStatus: fc.option(fc.constantFrom("Running", "Pending", "CrashLoopBackOff", "Terminating")),
    restarts: fc.nat({ max: 1000 }),
    corednsVersion: fc.option(fc.constantFrom("1.11.3", "1.10.1", "1.7.0")),
    image: fc.option(fc.constantFrom("registry.k8s.io/dns/k8s-dns-node-cache:1.23.1", "custom:latest")),
    cache: fc.option(
      fc.record({ hits: fc.nat(), misses: fc.nat(), entries: fc.nat({ max: 100_000 }) }).map((c) => ({
        ...c,
        hitRatio: c.hits + c.misses > 0 ? c.hits / (c.hits + c.misses) : null,
      })),
    ),
    rates: fc.option(
      fc.record({
        queriesPerSecond: rate,
        evictionsPerSecond: rate,
        latencyP99: fc.option(fc.double({ min: 0, max: 10, noNaN: true })),
        responsesPerSecondByRcode: fc.oneof(
          fc.constant({}),
          rate.map((v) => ({ SERVFAIL: v })),
        ),
      }),
    ),
    memoryBytes: fc.option(fc.nat()),
    transport: fc.option(fc.constantFrom("direct" as const, "proxy" as const, "portforward" as const)),
    lastScrapeAt: fc.option(iso),
    error: fc.option(fc.record({ message: fc.string(), at: iso })),
    oddOneOut: fc.subarray(["hit ratio", "p99 latency", "SERVFAIL", "memory"]),
    health: fc.record({
      state: fc.constantFrom("healthy" as const, "warning" as const, "critical" as const, "unknown" as const),
      reasons: fc.array(
        fc.record({
          code: fc.constantFrom("no-pod" as const, "latency" as const, "reload-failed" as const),
          severity: fc.constantFrom("warning" as const, "critical" as const),
          message: fc.string(),
        }),
        { maxLength: 3 },
      ),
      since: iso,
    }),
  })
  // A negative zero is not a number the server writes (JSON has none either).
  .map((r) => JSON.parse(JSON.stringify(r)) as OverviewRow);

/** Rows with distinct names, as a table has them. */
export const overviewRowsArb = fc.uniqueArray(overviewRowArb, { selector: (r) => r.node, maxLength: 40 });
