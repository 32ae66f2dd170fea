import { describe, expect, it } from "vitest";
import { parsePrometheusText, PrometheusParseError } from "@/lib/prometheus-text/parse";

/** The error `text` raises; fails the test if it parses. */
function parseError(text: string): PrometheusParseError {
  try {
    parsePrometheusText(text);
  } catch (err) {
    if (err instanceof PrometheusParseError) return err;
    throw err;
  }
  throw new Error(`expected a PrometheusParseError for ${JSON.stringify(text)}`);
}

// [what, input, 1-based line, part of the message]. Each is an input expfmt rejects too.
const MALFORMED: [string, string, number, string][] = [
  ["unclosed label value", 'foo{a="b} 1\n', 1, 'invalid label value "b} 1": missing closing quote'],
  ["label value cut by end of input", 'ok 1\nfoo{a="b', 2, "unexpected end of input stream"],
  ["label set cut by end of input", 'foo{a="b"', 1, "unexpected end of input stream"],
  [
    "second TYPE line",
    "# TYPE foo counter\n# TYPE foo gauge\nfoo 1\n",
    2,
    'second TYPE line for metric name "foo"',
  ],
  ["TYPE after samples", "foo 1\n# TYPE foo counter\n", 2, "TYPE reported after samples"],
  [
    "TYPE for a _sum of a typed family",
    "# TYPE s summary\n# TYPE s_sum gauge\n",
    2,
    'second TYPE line for metric name "s"',
  ],
  ["second HELP line", "# HELP foo a\n# HELP foo b\n", 2, 'second HELP line for metric name "foo"'],
  ["unknown type", "# TYPE foo bogus\n", 1, 'unknown metric type "bogus"'],
  ["type with trailing blank", "# TYPE foo counter \n", 1, 'unknown metric type "counter "'],
  ["gauge histogram", "# TYPE foo gaugehistogram\n", 1, "unknown metric type"],
  ["bad HELP escape", "# HELP foo a\\tb\n", 1, "invalid escape sequence '\\t' in HELP text"],
  ["bad metric name in comment", "# HELP foo-bar x\n", 1, "invalid metric name in comment"],
  ["line starting with a brace", '{a="b"} 1\n', 1, "invalid metric name"],
  ["line starting with a digit", "\n\n1foo 1\n", 3, "invalid metric name"],
  ["word value", "foo abc\n", 1, 'expected float as value, got "abc"'],
  ["hex value", "foo 0x1A\n", 1, 'expected float as value, got "0x1A"'],
  ["Go hex float", "foo 0x1p-2\n", 1, "expected float as value"],
  ["underscore digits", "foo 1_000\n", 1, "expected float as value"],
  ["overflowing value", "foo 1e400\n", 1, "expected float as value"],
  ["signed NaN", "foo +NaN\n", 1, "expected float as value"],
  ["no value", "foo\n", 1, 'expected float as value, got ""'],
  ["no value after labels", 'foo{a="b"}\n', 1, 'expected float as value, got ""'],
  ["carriage return", "foo 1\r\n", 1, 'expected float as value, got "1\r"'],
  ["value glued to brace", "foo 1}\n", 1, "expected float as value"],
  ["trailing blank after value", "foo 1 \n", 1, 'expected integer as timestamp, got ""'],
  ["float timestamp", "foo 1 1.5\n", 1, 'expected integer as timestamp, got "1.5"'],
  ["timestamp past int64", "foo 1 9223372036854775808\n", 1, "expected integer as timestamp"],
  ["spurious text after timestamp", "foo 1 2 3\n", 1, 'spurious string after timestamp: " 3"'],
  ["bad label value escape", 'foo{a="\\x"} 1\n', 1, "invalid escape sequence '\\x' in label value"],
  ["label name with a digit first", 'foo{1a="b"} 1\n', 1, 'invalid label name for metric "foo"'],
  ["colon in label name", 'foo{a:b="c"} 1\n', 1, "expected '=' after label name \"a\", found ':'"],
  ["unquoted label value", "foo{a=b} 1\n", 1, "expected '\"' at start of label value, found 'b'"],
  ["missing comma", 'foo{a="b" c="d"} 1\n', 1, "unexpected end of label value \"b\": expected ',' or '}'"],
  ["duplicate label", 'foo{a="b",a="c"} 1\n', 1, 'duplicate label names for metric "foo"'],
  [
    "duplicate label reported before its bad value",
    'foo{a="b",a=x} 1\n',
    1,
    'duplicate label names for metric "foo"',
  ],
  ["reserved label", 'foo{__name__="x"} 1\n', 1, 'label name "__name__" is reserved'],
  [
    "non-float le",
    '# TYPE h histogram\nh_bucket{le="x"} 1\n',
    2,
    "expected float as value for 'le' label, got \"x\"",
  ],
  [
    "non-float quantile",
    '# TYPE s summary\ns{quantile=""} 1\n',
    2,
    "expected float as value for 'quantile' label",
  ],
  [
    "error after comments and blank lines",
    '# HELP a x\n# TYPE a gauge\n\n   \n# hello\na 1\na{b="c"} x\n',
    7,
    'expected float as value, got "x"',
  ],
];

describe("malformed exposition text", () => {
  it.each(MALFORMED)("%s", (_what, input, line, message) => {
    const err = parseError(input);
    expect(err.line).toBe(line);
    expect(err.message).toContain(message);
    expect(err.message.startsWith(`line ${line}: `)).toBe(true);
  });
});

describe("inputs expfmt accepts", () => {
  it("ignores blank lines, leading blanks, bare # and other comments", () => {
    const { samples } = parsePrometheusText("\n  \n#\n# just a comment\n#   TYPEX foo counter\n\t foo 1\n");
    expect(samples).toEqual([{ family: "foo", type: "UNTYPED", name: "foo", labels: {}, value: 1 }]);
  });

  it("reads HELP and TYPE with odd spacing, a lower-case-insensitive type, and #HELP without a space", () => {
    const { families } = parsePrometheusText("#HELP foo  some\\\\help\\nmore\n#  TYPE\tfoo Counter\nfoo 1\n");
    expect(families.get("foo")).toMatchObject({ type: "COUNTER", help: "some\\help\nmore" });
  });

  it("reads labels with blanks around them, a trailing comma and an empty set", () => {
    const { samples } = parsePrometheusText('foo { a = "x" , b="y\\"\\\\\\n", } 1\nbar{} 2\nbaz{a="b"}3\n');
    expect(samples.map((s) => s.labels)).toEqual([{ a: "x", b: 'y"\\\n' }, {}, { a: "b" }]);
  });

  it("reads Go float syntaxes, special values and timestamps", () => {
    const text = [
      "a 1e-05",
      "a 1.5E+06",
      "a .5",
      "a 5.",
      "a -0",
      "a NaN",
      "a nan",
      "a +Inf",
      "a -inf",
      "a Infinity",
      "a 1e-400",
      "a 12345678901234567890",
      "a 1 -1700000000000",
      "a 2 +5",
    ].join("\n");
    const { samples } = parsePrometheusText(text);
    expect(samples.map((s) => s.value)).toEqual([
      1e-5,
      1.5e6,
      0.5,
      5,
      -0,
      NaN,
      NaN,
      Infinity,
      -Infinity,
      Infinity,
      0,
      12345678901234567890,
      1,
      2,
    ]);
    expect(Object.is(samples[4]?.value, -0)).toBe(true);
    expect(samples.map((s) => s.timestampMs).slice(-3)).toEqual([undefined, -1700000000000, 5]);
    expect("timestampMs" in (samples[0] as object)).toBe(false);
  });

  it("keeps the label named __proto__ as a label", () => {
    const { samples } = parsePrometheusText('foo{__proto__="x",constructor="y"} 1\n');
    expect(Object.keys(samples[0]?.labels ?? {})).toEqual(["__proto__", "constructor"]);
    expect(samples[0]?.labels.__proto__).toBe("x");
  });

  it("groups histogram and summary lines as expfmt does, normalizing le and quantile", () => {
    const text = [
      "# TYPE h histogram",
      'h_bucket{x="1",le="1.0"} 1',
      'h_bucket{x="1",le="1e-5"} 1',
      'h_bucket{x="1",le="+inf"} 2',
      'h_sum{x="1",le="7"} 3.5',
      'h_count{x="1"} 2',
      "# TYPE s summary",
      's{quantile="0.50"} 1',
      's_sum{quantile="1"} 4',
      "s_count 2",
      "s_bucket 9",
      "u_count 1",
    ].join("\n");
    const { samples, families } = parsePrometheusText(text);
    expect(samples.map((s) => [s.family, s.type, s.name, s.labels])).toEqual([
      ["h", "HISTOGRAM", "h_bucket", { x: "1", le: "1" }],
      ["h", "HISTOGRAM", "h_bucket", { x: "1", le: "1e-05" }],
      ["h", "HISTOGRAM", "h_bucket", { x: "1", le: "+Inf" }],
      ["h", "HISTOGRAM", "h_sum", { x: "1" }],
      ["h", "HISTOGRAM", "h_count", { x: "1" }],
      ["s", "SUMMARY", "s", { quantile: "0.5" }],
      ["s", "SUMMARY", "s_sum", {}],
      ["s", "SUMMARY", "s_count", {}],
      ["s_bucket", "UNTYPED", "s_bucket", {}],
      ["u_count", "UNTYPED", "u_count", {}],
    ]);
    expect([...families.keys()]).toEqual(["h", "s", "s_bucket", "u_count"]);
  });

  it("lets a family created by HELP before TYPE keep its _count separate, as expfmt does", () => {
    const { families } = parsePrometheusText(
      "# HELP s_count early help\n# TYPE s summary\ns_count 1\ns_sum 2\n",
    );
    expect(families.get("s_count")).toMatchObject({ type: "UNTYPED", help: "early help" });
    expect(families.get("s")?.samples.map((x) => x.name)).toEqual(["s_sum"]);
  });

  it("drops families that only have HELP/TYPE lines", () => {
    expect(parsePrometheusText("# HELP a x\n# TYPE a counter\n").families.size).toBe(0);
    expect(parsePrometheusText("").samples).toEqual([]);
  });

  it("keeps le as a plain label outside histograms", () => {
    const { samples } = parsePrometheusText('g{le="1.0"} 1\n');
    expect(samples[0]?.labels).toEqual({ le: "1.0" });
  });
});
