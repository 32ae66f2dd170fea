/**
 * Number formatting and series ordering of the emulated /metrics, checked against what the real
 * CoreDNS binaries printed (shared/fixtures/coredns/metrics-*.txt).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatGoFloat } from "@/sim/dns/metrics";
import { HistogramFamily, ScalarFamily } from "@/sim/dns/metrics/exposition";
import { TIME_BUCKETS, SIZE_BUCKETS, SLIM_TIME_BUCKETS } from "@/sim/dns/metrics/buckets";
import { FIXTURES_DIR } from "../support/fixtures";

const FIXTURES = FIXTURES_DIR;
const dumps = readdirSync(FIXTURES)
  .filter((f) => f.startsWith("metrics-nodecache-") && f.endsWith(".txt"))
  .map((f) => ({ file: f, text: readFileSync(path.join(FIXTURES, f), "utf8") }));

/** Every sample line of a dump as [metric name, label block, value text]. */
function sampleLines(text: string): Array<{ name: string; labels: string; value: string }> {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(l);
      if (!m) throw new Error(`unreadable sample line: ${l}`);
      return { name: m[1]!, labels: m[2] ?? "", value: m[3]! };
    });
}

describe("formatGoFloat", () => {
  it.each([
    [4.6176e-5, "4.6176e-05"],
    [1.779122e6, "1.779122e+06"],
    [0.000232824, "0.000232824"],
    [1.763764482e9, "1.763764482e+09"],
    [1.79530049873e9, "1.79530049873e+09"],
    [1.7953005040069337e9, "1.7953005040069337e+09"],
    [1.8446744073709552e19, "1.8446744073709552e+19"],
    [0.008373713000000003, "0.008373713000000003"],
    [0.00025, "0.00025"],
    [0.0001, "0.0001"],
    [1e-5, "1e-05"],
    [16000, "16000"],
    [64000, "64000"],
    [49264, "49264"],
    [999999, "999999"],
    [1e6, "1e+06"],
    [2.894376e6, "2.894376e+06"],
    [0, "0"],
    [-0, "0"],
    [1, "1"],
    [-1, "-1"],
    [-2.5, "-2.5"],
    [0.13, "0.13"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
    [NaN, "NaN"],
  ])("%s prints as %s", (value, text) => {
    expect(formatGoFloat(value)).toBe(text);
  });

  it("prints every value in the real dumps exactly as the Go encoder did", () => {
    let checked = 0;
    for (const { file, text } of dumps) {
      for (const s of sampleLines(text)) {
        expect(formatGoFloat(Number(s.value)), `${file}: ${s.name}${s.labels}`).toBe(s.value);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3000);
  });

  it("prints the histogram bounds as the dumps' le labels", () => {
    const les = new Set<string>();
    for (const { text } of dumps) for (const m of text.matchAll(/[{,]le="([^"]+)"/g)) les.add(m[1]!);
    const ours = new Set(
      [...TIME_BUCKETS, ...SLIM_TIME_BUCKETS, ...SIZE_BUCKETS].map(formatGoFloat).concat("+Inf"),
    );
    expect([...ours].sort()).toEqual([...les].sort());
  });
});

describe("series order", () => {
  it("the real dumps order each family's series by label values, names sorted (our model of Gather)", () => {
    for (const { file, text } of dumps) {
      let prevName = "";
      let prevKey: string[] = [];
      for (const s of sampleLines(text)) {
        if (s.name.endsWith("_bucket") || s.name.endsWith("_sum") || s.name.endsWith("_count")) continue;
        if (s.labels.includes("quantile=")) continue;
        const pairs = [...s.labels.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!] as const);
        const names = pairs.map((p) => p[0]);
        expect(names, `${file}: label names sorted`).toEqual([...names].sort());
        const key = pairs.map((p) => p[1]);
        if (s.name === prevName) {
          expect(
            key.join("\u0000") > prevKey.join("\u0000"),
            `${file}: ${s.name}${s.labels} after ${prevKey.join(",")}`,
          ).toBe(true);
        }
        prevName = s.name;
        prevKey = key;
      }
    }
  });

  it("keeps children sorted by label values whatever order they are created in", () => {
    const f = new ScalarFamily({ name: "x_total", help: "h", labels: ["zone", "server"] }, "counter");
    for (const [server, zone] of [
      ["dns://b", "."],
      ["dns://a", "z."],
      ["dns://a", "."],
      ["dns://b", "a."],
    ] as const) {
      f.add({ server, zone });
    }
    const out: string[] = [];
    f.render(out);
    expect(
      out
        .join("")
        .split("\n")
        .filter((l) => l.startsWith("x_total")),
    ).toEqual([
      'x_total{server="dns://a",zone="."} 1',
      'x_total{server="dns://a",zone="z."} 1',
      'x_total{server="dns://b",zone="."} 1',
      'x_total{server="dns://b",zone="a."} 1',
    ]);
  });

  it("escapes label values and drops a deleted child", () => {
    const f = new ScalarFamily({ name: "g", help: "a \\ help\nline", labels: ["v"] }, "gauge");
    f.set({ v: 'q"b\\n\nx' }, 2);
    f.set({ v: "gone" }, 1);
    f.delete({ v: "gone" });
    const out: string[] = [];
    f.render(out);
    expect(out.join("")).toBe('# HELP g a \\\\ help\\nline\n# TYPE g gauge\ng{v="q\\"b\\\\n\\nx"} 2\n');
  });
});

describe("histogram", () => {
  it("counts a value equal to a bound in that bucket, cumulatively, with +Inf last", () => {
    const h = new HistogramFamily({ name: "h_seconds", help: "h", labels: ["to"] }, [0.001, 0.002]);
    for (const v of [0.001, 0.0015, 0.5]) h.observe({ to: "a:53" }, v);
    const out: string[] = [];
    h.render(out);
    expect(out.join("")).toBe(
      [
        "# HELP h_seconds h",
        "# TYPE h_seconds histogram",
        'h_seconds_bucket{to="a:53",le="0.001"} 1',
        'h_seconds_bucket{to="a:53",le="0.002"} 2',
        'h_seconds_bucket{to="a:53",le="+Inf"} 3',
        'h_seconds_sum{to="a:53"} 0.5025',
        'h_seconds_count{to="a:53"} 3',
        "",
      ].join("\n"),
    );
  });

  it("a plain (label-less) histogram exists at zero from registration", () => {
    const h = new HistogramFamily({ name: "p", help: "h", labels: [] }, [1]);
    const out: string[] = [];
    h.render(out);
    expect(out.join("")).toContain('p_bucket{le="1"} 0\np_bucket{le="+Inf"} 0\np_sum 0\np_count 0\n');
  });
});
