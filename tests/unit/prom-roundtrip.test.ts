import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatGoFloat } from "@/lib/prometheus-text/format-float";
import { formatPrometheusText, sampleToJsonLine } from "@/lib/prometheus-text/format";
import { parsePrometheusText, PrometheusParseError } from "@/lib/prometheus-text/parse";
import { parseGoFloat } from "@/lib/prometheus-text/parse-float";
import { forgetParseMemo } from "@/lib/prometheus-text/parse-memo";
import type { MetricFamily, MetricType, Sample } from "@/lib/prometheus-text/samples";

/** Any Unicode text, with the characters the format escapes (and its delimiters) made common. */
const anyText = fc.string({
  unit: fc.oneof(
    { arbitrary: fc.constantFrom("\\", '"', "\n", " ", "\t", "{", "}", ",", "=", "#", "\r"), weight: 1 },
    { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), weight: 3 },
  ),
  maxLength: 30,
});
const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/).filter((n) => n !== "__name__");
const metricName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/);
const anyDouble = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 5e-324, Number.MAX_VALUE, 2 ** 53 + 2, 1e21, 1e-7),
);

function family(
  name: string,
  type: MetricType,
  help: string,
  samples: Omit<Sample, "family" | "type" | "name">[],
): MetricFamily {
  return { name, type, help, samples: samples.map((s) => ({ family: name, type, name, ...s })) };
}

function roundTrip(f: MetricFamily): MetricFamily | undefined {
  return parsePrometheusText(formatPrometheusText([f])).families.get(f.name);
}

describe("print → parse round trips", () => {
  it("label values: any Unicode, backslashes, quotes and newlines", () => {
    fc.assert(
      fc.property(metricName, fc.dictionary(labelName, anyText, { maxKeys: 5 }), (name, labels) => {
        const f = family(name, "GAUGE", "", [{ labels, value: 1 }]);
        expect(roundTrip(f)).toEqual(f);
      }),
      { numRuns: 300 },
    );
  });

  it("HELP text: any Unicode, backslashes and newlines (leading blanks are not part of HELP)", () => {
    const help = anyText.filter((h) => !/^[ \t]/.test(h));
    fc.assert(
      fc.property(metricName, help, (name, text) => {
        const f = family(name, "COUNTER", text, [{ labels: {}, value: 2 }]);
        expect(roundTrip(f)).toEqual(f);
      }),
      { numRuns: 300 },
    );
  });

  it("values: every double, including NaN, ±Inf, -0, subnormals and huge ones, and int64 timestamps", () => {
    const timestamp = fc.option(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), {
      nil: undefined,
    });
    fc.assert(
      fc.property(anyDouble, timestamp, (value, timestampMs) => {
        const sample = timestampMs === undefined ? { labels: {}, value } : { labels: {}, value, timestampMs };
        const f = family("v", "UNTYPED", "", [sample]);
        const back = roundTrip(f)?.samples[0];
        expect(Object.is(back?.value, value)).toBe(true);
        expect(back?.timestampMs).toBe(timestampMs);
      }),
      { numRuns: 1000 },
    );
  });

  it("Go's float form parses back to the same double", () => {
    fc.assert(
      fc.property(anyDouble, (v) => {
        expect(Object.is(parseGoFloat(formatGoFloat(v)), v)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("histogram buckets keep le in Go's float form through a round trip", () => {
    const bound = fc.oneof(fc.double({ noNaN: true }), fc.constant(Infinity));
    fc.assert(
      fc.property(bound, fc.nat(), (le, count) => {
        // JavaScript's own spelling (1e+21, 1e-7, -0 as "-0") rather than Go's, so normalizing shows.
        const written = le === Infinity ? "+Inf" : Object.is(le, -0) ? "-0" : String(le);
        const text = `# TYPE h histogram\nh_bucket{le="${written}"} ${count}\n`;
        const first = parsePrometheusText(text).samples[0] as Sample;
        expect(first.labels.le).toBe(formatGoFloat(le));
        const again = parsePrometheusText(formatPrometheusText(parsePrometheusText(text).families.values()))
          .samples[0];
        expect(again).toEqual(first);
      }),
      { numRuns: 300 },
    );
  });
});

describe("whole expositions", () => {
  const simpleType = fc.constantFrom<MetricType>("COUNTER", "GAUGE", "UNTYPED");
  const sample = fc.record({ labels: fc.dictionary(labelName, anyText, { maxKeys: 3 }), value: anyDouble });
  const families = fc.uniqueArray(
    fc.record({
      name: metricName,
      type: simpleType,
      help: anyText.filter((h) => !/^[ \t]/.test(h)),
      samples: fc.array(sample, { minLength: 1, maxLength: 4 }),
    }),
    { selector: (f) => f.name, maxLength: 6 },
  );

  it("several families of samples print and parse back unchanged, in order", () => {
    fc.assert(
      fc.property(families, (generated) => {
        const fams = generated.map((f) => family(f.name, f.type, f.help, f.samples));
        const parsed = parsePrometheusText(formatPrometheusText(fams));
        expect([...parsed.families.values()]).toEqual(fams);
        expect(parsed.samples).toEqual(fams.flatMap((f) => f.samples));
      }),
      { numRuns: 200 },
    );
  });

  it("a series read before reads the same again, also after the same text under another TYPE", () => {
    // The parser remembers series texts across parses (seriesCache): a second read, and the same
    // lines in a histogram (where `le` is normalized and dropped from _sum/_count) or untyped
    // family, must each read as a first read would.
    const bucketish = fc.record({
      labels: fc.dictionary(labelName, anyText, { maxKeys: 2 }),
      le: fc.constantFrom("1.0", "0.5", "+Inf", "1e-05", "2.50"),
      value: fc.nat(),
    });
    fc.assert(
      fc.property(metricName, fc.array(bucketish, { minLength: 1, maxLength: 5 }), (name, lines) => {
        const body = lines
          .map((l) => {
            const labels = Object.entries({ ...l.labels, le: l.le })
              .map(
                ([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
              )
              .join(",");
            return `${name}_bucket{${labels}} ${l.value}\n${name}_count{${labels}} ${l.value}\n`;
          })
          .join("");
        const histogram = `# TYPE ${name} histogram\n${body}`;
        const histogramSamples = lines.flatMap((l) => [
          { ...l.labels, le: formatGoFloat(parseGoFloat(l.le) as number) },
          { ...l.labels },
        ]);
        const untypedSamples = lines.flatMap((l) => [
          { ...l.labels, le: l.le },
          { ...l.labels, le: l.le },
        ]);
        for (const [text, want] of [
          [histogram, histogramSamples],
          [body, untypedSamples],
          [histogram, histogramSamples],
          [body, untypedSamples],
        ] as const) {
          const got = parsePrometheusText(text).samples;
          expect(got.map((s) => s.labels)).toEqual(want);
          expect(got.map((s) => s.value)).toEqual(lines.flatMap((l) => [l.value, l.value]));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("any text either parses or fails with a PrometheusParseError on a real line", () => {
    const piece = fc.constantFrom(
      "# HELP ",
      "# TYPE ",
      "histogram",
      "summary",
      "a",
      "a_sum",
      "a_bucket",
      "{",
      "}",
      "le=",
      "quantile=",
      '"',
      "\\",
      ",",
      " ",
      "\n",
      "1",
      "NaN",
      "+Inf",
      "=",
      "#",
      "\t",
      "é",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const text = parts.join("");
        try {
          parsePrometheusText(text);
        } catch (err) {
          expect(err).toBeInstanceOf(PrometheusParseError);
          const line = (err as PrometheusParseError).line;
          expect(line).toBeGreaterThanOrEqual(1);
          expect(line).toBeLessThanOrEqual(text.split("\n").length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("what the parser remembers across parses", () => {
  // Whole lines, so texts share HELP/TYPE lines, names and series texts in different orders and
  // families: every prediction the parser makes from an earlier parse is tried, right and wrong.
  const line = fc.constantFrom(
    "# HELP a first\n",
    "# HELP a other\n",
    "# HELP a_sum x\n",
    "# TYPE a histogram\n",
    "# TYPE a summary\n",
    "# TYPE a counter\n",
    "# TYPE a_count gauge\n",
    "# HELP b esc\\\\aped\\n\n",
    "# TYPE b gauge\n",
    "# a comment\n",
    'a_bucket{x="1",le="1.0"} 1\n',
    'a_bucket{x="1",le="+Inf"} 2\n',
    'a_sum{x="1"} 3\n',
    "a_count 4\n",
    'a{x="1",quantile="0.5"} 5\n',
    'a{x="1"} 6 1000\n',
    'b{y="}"} 7\n',
    'b{y="2"} 8\n',
    "b 9\n",
    'b_bucket{le="1"} 10\n',
    "\n",
  );
  const text = fc.array(line, { maxLength: 12 }).map((ls) => ls.join(""));
  const wanted = fc.constantFrom(undefined, new Set(["a"]), new Set(["b", "a_sum"]), new Set(["a_bucket"]));

  function read(t: string, families: Set<string> | undefined): unknown {
    try {
      return parsePrometheusText(t, { families });
    } catch (err) {
      expect(err).toBeInstanceOf(PrometheusParseError);
      return { line: (err as PrometheusParseError).line, message: (err as Error).message };
    }
  }

  it("a remembered HELP/TYPE line is still refused where this text makes it a second one", () => {
    const cases: [before: string, text: string][] = [
      // Remembered as the first TYPE line of a text, then met after the family's samples.
      ["# TYPE a counter\na 1\n", "a 1\n# TYPE a counter\n"],
      // Remembered where `a_sum` was a family of its own, then met where it is the summary's `_sum`.
      [
        'a_sum{x="1"} 3\n# HELP a first\n# TYPE a summary\n# HELP a_sum x\n',
        "# HELP a first\n# TYPE a summary\n# HELP a_sum x\n",
      ],
    ];
    for (const [before, t] of cases) {
      forgetParseMemo();
      const fresh = read(t, undefined);
      expect(fresh).toMatchObject({ message: expect.stringMatching(/second (HELP|TYPE) line/) });
      forgetParseMemo();
      expect(read(before, undefined)).toBeDefined();
      expect(read(t, undefined)).toEqual(fresh);
    }
  });

  it("a text reads as with nothing remembered after other texts were read, each with any wanted families", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(text, wanted), { minLength: 1, maxLength: 4 }), (reads) => {
        // Each text read with nothing remembered, then all of them one after another.
        const first = reads.map(([t, w]) => {
          forgetParseMemo();
          return read(t, w);
        });
        reads.forEach(([t, w], i) => expect(read(t, w)).toEqual(first[i]));
        // Again, in reverse order, and then each twice in a row.
        for (let i = reads.length - 1; i >= 0; i--) {
          const [t, w] = reads[i] as [string, Set<string> | undefined];
          expect(read(t, w)).toEqual(first[i]);
        }
        reads.forEach(([t, w], i) => {
          expect(read(t, w)).toEqual(first[i]);
          expect(read(t, w)).toEqual(first[i]);
        });
      }),
      { numRuns: 1000 },
    );
  });
});

describe("sampleToJsonLine", () => {
  it("prints JSON that reads back to the sample (NaN and infinities as strings)", () => {
    fc.assert(
      fc.property(
        metricName,
        fc.dictionary(labelName, anyText, { maxKeys: 4 }),
        anyDouble,
        (name, labels, value) => {
          const line = sampleToJsonLine({ family: name, type: "GAUGE", name, labels, value });
          const parsed = JSON.parse(line) as { labels: Record<string, string>; value: number | string };
          expect(parsed.labels).toEqual(labels);
          expect(Object.keys(parsed.labels)).toEqual(Object.keys(labels).sort());
          if (Number.isFinite(value)) expect(Object.is(parsed.value, value)).toBe(true);
          else expect(parsed.value).toBe(formatGoFloat(value));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("escapes as Go's encoding/json does", () => {
    const line = sampleToJsonLine({
      family: "f",
      type: "GAUGE",
      name: "f",
      labels: { a: "<&>\u2028\n" },
      value: -0,
    });
    expect(line).toBe(
      '{"family":"f","type":"GAUGE","name":"f","labels":{"a":"\\u003c\\u0026\\u003e\\u2028\\n"},"value":-0}',
    );
  });
});
