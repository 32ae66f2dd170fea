/**
 * Bytes of `/api/overview` at N nodes without a cluster of N nodes: the answers the server's own
 * code (lib/overview/answer.ts) builds for the rows of a seeded synthetic cluster whose numbers move
 * each 5 s round (tests/support/synthetic-cluster.ts), a browser holding every answer and showing
 * 40 rows; beside the same rows as `/api/nodes` sends them (one JSON object per row).
 *
 *   npx tsx bench/overview-size.ts          # BENCH_NODES (default 5000)
 */
import { performance } from "node:perf_hooks";
import { overviewAnswer } from "../lib/overview/answer";
import { applyOverview, type OverviewState } from "../lib/overview/apply";
import { OverviewPublisher } from "../lib/overview/publisher";
import { syntheticCluster, syntheticMeta } from "../tests/support/synthetic-cluster";
import type { BenchResult } from "./parse";

export interface OverviewSize {
  nodes: number;
  firstLoadBytes: number;
  /** The largest and the median refresh over `rounds` rounds, each asked once per round. */
  maxRefreshBytes: number;
  medianRefreshBytes: number;
  /** Rows the refreshes carried, all rounds together. */
  refreshRowsChanged: number;
  /** The same rows as one JSON object each (what /api/nodes sends, less the fields the overview does not read). */
  fullBytes: number;
  /** Server time to build the first answer and the median refresh, ms. */
  firstLoadMs: number;
  medianRefreshMs: number;
}

export function measureOverviewSize(nodes: number, rounds: number): OverviewSize {
  const cluster = syntheticCluster(nodes);
  const publisher = new OverviewPublisher();
  const rows = cluster.rows();
  const window = rows.slice(0, 40).map((r) => r.node);
  let t0 = performance.now();
  const first = overviewAnswer(syntheticMeta(cluster.now()), rows, publisher, { window });
  const firstLoadMs = performance.now() - t0;
  const firstJson = JSON.stringify(first);
  let held: OverviewState | null = applyOverview(null, JSON.parse(firstJson) as typeof first);
  const sizes: number[] = [];
  const times: number[] = [];
  let changed = 0;
  for (let i = 0; i < rounds; i++) {
    cluster.step();
    t0 = performance.now();
    const res = overviewAnswer(syntheticMeta(cluster.now()), cluster.rows(), publisher, {
      since: held?.meta.version,
      window,
    });
    times.push(performance.now() - t0);
    const json = JSON.stringify(res);
    sizes.push(json.length);
    changed += res.table.n;
    held = applyOverview(held, JSON.parse(json) as typeof res);
    if (!held || res.kind !== "delta") throw new Error("a refresh of the version held did not apply");
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return {
    nodes,
    firstLoadBytes: firstJson.length,
    maxRefreshBytes: Math.max(...sizes),
    medianRefreshBytes: median(sizes),
    refreshRowsChanged: changed,
    fullBytes: JSON.stringify({ ...syntheticMeta(cluster.now()), nodes: cluster.rows() }).length,
    firstLoadMs,
    medianRefreshMs: median(times),
  };
}

export function benchOverviewSize(nodes = Number(process.env.BENCH_NODES ?? 5000)): BenchResult[] {
  const m = measureOverviewSize(nodes, 24);
  const kb = (b: number) => Math.round(b / 100) / 10;
  return [
    {
      name: `/api/overview first load at ${nodes} nodes (synthetic, 40 rows on screen), uncompressed JSON`,
      value: kb(m.firstLoadBytes),
      unit: "KB",
      reference: {
        name: "the same rows one JSON object each, as /api/nodes sends them",
        value: kb(m.fullBytes),
      },
      note: `target ≤ 300 KB; built in ${Math.round(m.firstLoadMs)} ms`,
    },
    {
      name: `/api/overview refresh at ${nodes} nodes, largest of 24 rounds`,
      value: kb(m.maxRefreshBytes),
      unit: "KB",
      note: `target ≤ 50 KB; median ${kb(m.medianRefreshBytes)} KB, ${Math.round(m.refreshRowsChanged / 24)} rows changed per round, built in ${Math.round(m.medianRefreshMs)} ms (median)`,
    },
  ];
}

if (process.argv[1]?.replace(/\\/g, "/").endsWith("bench/overview-size.ts")) {
  for (const r of benchOverviewSize()) {
    const ref = r.reference ? `   (reference: ${r.reference.name} = ${r.reference.value} ${r.unit})` : "";
    console.log(`${r.name}: ${r.value} ${r.unit}${ref}${r.note ? `   [${r.note}]` : ""}`);
  }
}
