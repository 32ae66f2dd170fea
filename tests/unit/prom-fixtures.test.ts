import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatPrometheusText, sampleToJsonLine, sortSamples } from "@/lib/prometheus-text/format";
import { parsePrometheusText } from "@/lib/prometheus-text/parse";
import { NODE_RECORD_SAMPLE_NAMES } from "@/lib/coredns/node-record";
import { FIXTURES_DIR as FIXTURES } from "../support/fixtures";

const dumps = fs.readdirSync(FIXTURES).filter((f) => f.startsWith("metrics-") && f.endsWith(".txt"));
const withExpfmt = dumps.filter((f) => fs.existsSync(expfmtPath(f)));

function expfmtPath(dump: string): string {
  return path.join(FIXTURES, "expfmt", dump.replace(/\.txt$/, ".jsonl"));
}
function read(file: string): string {
  return fs.readFileSync(file, "utf8");
}

describe("real CoreDNS dumps read exactly as Prometheus's Go parser (expfmt) reads them", () => {
  it("has expfmt references to compare against", () => {
    expect(withExpfmt.length).toBeGreaterThanOrEqual(12);
  });

  it.each(withExpfmt)("%s", (dump) => {
    const want = read(expfmtPath(dump))
      .split("\n")
      .filter((l) => l !== "");
    // Twice: the second read finds every series in the parser's cache of series texts.
    for (let round = 0; round < 2; round++) {
      const got = sortSamples(parsePrometheusText(read(path.join(FIXTURES, dump))).samples).map(
        sampleToJsonLine,
      );
      // Compare as one text so a failure shows the first differing line in context.
      expect(got.join("\n")).toBe(want.join("\n"));
    }
  });

  it("every sample of the node record's families reads as expfmt reads it, with the rest skipped, whatever was parsed before", () => {
    // The parser predicts each line's series from the line that followed the previous one last time
    // (across parses); dumps of other versions, every-family reads and repeats in between make those
    // predictions right, wrong, and right under another wanted set.
    const wanted = (line: string) => {
      const { family, name } = JSON.parse(line) as { family: string; name: string };
      return NODE_RECORD_SAMPLE_NAMES.has(family) || NODE_RECORD_SAMPLE_NAMES.has(name);
    };
    for (let round = 0; round < 3; round++) {
      for (const dump of withExpfmt) {
        const text = read(path.join(FIXTURES, dump));
        const want = read(expfmtPath(dump))
          .split("\n")
          .filter((l) => l !== "" && wanted(l));
        if (round === 1) parsePrometheusText(text);
        const got = parsePrometheusText(text, { families: NODE_RECORD_SAMPLE_NAMES });
        expect(want.length).toBeGreaterThan(0);
        expect(sortSamples(got.samples).map(sampleToJsonLine).join("\n"), dump).toBe(want.join("\n"));
      }
    }
  });

  it.each(dumps)("%s prints back to text that parses to the same samples", (dump) => {
    const first = parsePrometheusText(read(path.join(FIXTURES, dump)));
    const again = parsePrometheusText(formatPrometheusText(first.families.values()));
    expect(again.samples).toEqual(first.samples);
    expect([...again.families.keys()]).toEqual([...first.families.keys()]);
  });
});

describe("the netdata dump, which has no final newline (expfmt rejects it)", () => {
  const file = path.join(FIXTURES, "metrics-netdata-coredns-1.6.9-some-load.txt");
  const text = read(file);

  it("really lacks the final newline", () => {
    expect(text.endsWith("\n")).toBe(false);
  });

  it("parses every sample line, the last one included", () => {
    const sampleLines = text.split("\n").filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
    const { samples } = parsePrometheusText(text);
    expect(sampleLines.length).toBe(168);
    expect(samples.length).toBe(sampleLines.length);
    const last = samples[samples.length - 1];
    expect(last?.name).toBe("coredns_dns_request_duration_seconds_bucket");
    expect(last?.labels.le).toBe("+Inf");
    expect(last?.value).toBe(12);
  });

  it("reads the same as the dump with its newline restored", () => {
    expect(parsePrometheusText(text)).toEqual(parsePrometheusText(text + "\n"));
  });
});

describe("families in a real dump", () => {
  const { families } = parsePrometheusText(
    read(path.join(FIXTURES, "metrics-nodecache-1.22.28-coredns-1.10.0-traffic.txt")),
  );

  it("groups a histogram's _bucket, _sum and _count lines under the family with its HELP", () => {
    const h = families.get("coredns_dns_request_duration_seconds");
    expect(h?.type).toBe("HISTOGRAM");
    expect(h?.help).toBe("Histogram of the time (in seconds) each request took per zone.");
    expect(new Set(h?.samples.map((s) => s.name))).toEqual(
      new Set([
        "coredns_dns_request_duration_seconds_bucket",
        "coredns_dns_request_duration_seconds_sum",
        "coredns_dns_request_duration_seconds_count",
      ]),
    );
    expect(families.has("coredns_dns_request_duration_seconds_bucket")).toBe(false);
  });

  it("groups a summary's quantiles, _sum and _count", () => {
    const s = families.get("go_gc_duration_seconds");
    expect(s?.type).toBe("SUMMARY");
    expect(s?.samples.map((x) => x.labels.quantile ?? x.name)).toEqual([
      "0",
      "0.25",
      "0.5",
      "0.75",
      "1",
      "go_gc_duration_seconds_sum",
      "go_gc_duration_seconds_count",
    ]);
  });
});
