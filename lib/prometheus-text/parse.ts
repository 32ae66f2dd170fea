/**
 * A parser for the Prometheus text exposition format 0.0.4 that reads what Prometheus's own Go parser
 * (`expfmt.TextParser`, the reference in fixtures/coredns/expfmt/) reads, and rejects what it rejects,
 * with two deliberate differences:
 * - a missing final newline is accepted (expfmt says "unexpected end of input stream"; hand-saved dumps
 *   often lack it and nothing is lost);
 * - histogram/summary samples keep their own value and name even where expfmt would drop or truncate
 *   them (a `_bucket` without `le`, a fractional `_count`), like Prometheus's scraper does.
 *
 * It is a hand-written scanner over the string (parse-scanner.ts) with no regular expressions. Where
 * V8's native string operations beat a `charCodeAt` loop they do the work: label values end at an
 * `indexOf('"')`, and names repeated from recent lines (nearly all of them in real dumps) are
 * recognised with one substring compare instead of being rescanned and re-sliced.
 */
import * as goFloatFormat from "./format-float";
import * as familyRules from "./parse-family";
import type { FamilyState, Resolved } from "./parse-family";
import { ScrapeLimitError } from "./parse-errors";
import * as goFloat from "./parse-float";
import * as scanner from "./parse-scanner";
import { describeChar, LineScanner } from "./parse-scanner";
import type { MetricFamily, MetricType, ParsedExposition, ParseOptions, Sample } from "./samples";

// Module-local copies of the scanner's constants: CommonJS output (tsx, the scrape CLI, the benchmark)
// reads imported bindings through a getter, which cost a call per character in the loops below.
const { formatGoFloat } = goFloatFormat;
const { resolveFamily } = familyRules;
const { parseGoFloat, parseGoInt64, scanGoFloat } = goFloat;
const {
  CLASS,
  CLOSE_BRACE,
  COMMA,
  EQUALS,
  HASH,
  LABEL_CHAR,
  LABEL_START,
  METRIC_CHAR,
  NL,
  OPEN_BRACE,
  QUOTE,
  SPACE,
  TAB,
} = scanner;

export { PrometheusParseError, ScrapeLimitError, type ScrapeLimit } from "./parse-errors";
export type { MetricFamily, MetricType, ParsedExposition, ParseOptions, Sample } from "./samples";

const TYPES: Record<string, MetricType> = {
  COUNTER: "COUNTER",
  GAUGE: "GAUGE",
  HISTOGRAM: "HISTOGRAM",
  SUMMARY: "SUMMARY",
  UNTYPED: "UNTYPED",
};

/** How many recently seen metric names are remembered (a histogram cycles through _bucket, _sum, _count). */
const RECENT_NAMES = 4;

/** A metric name seen on an earlier line, with its resolved family. */
interface RecentName {
  length: number;
  name: string;
  resolved: Resolved;
}

/** UTF-8 length of a string, without allocating (the text is already decoded; we only count). */
export function utf8ByteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 2; // a surrogate pair: 2 code units, 4 bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * Parses a /metrics body. Throws `PrometheusParseError` (with the 1-based line) on malformed text and
 * `ScrapeLimitError` when the body or its sample count is over `opts`.
 */
export function parsePrometheusText(text: string, opts: ParseOptions = {}): ParsedExposition {
  if (opts.maxBodyBytes !== undefined && text.length * 3 > opts.maxBodyBytes) {
    // UTF-8 never takes fewer bytes than UTF-16 code units, so only count when it could matter.
    const bytes = text.length > opts.maxBodyBytes ? text.length : utf8ByteLength(text);
    if (bytes > opts.maxBodyBytes) throw ScrapeLimitError.bodyTooLarge(bytes, opts.maxBodyBytes);
  }
  return new ExpositionScanner(text, opts.maxSamples ?? Infinity).run();
}

class ExpositionScanner extends LineScanner {
  private readonly families = new Map<string, FamilyState>();
  private readonly samples: Sample[] = [];
  /** Recent sample names and their families, newest first; cleared when a HELP/TYPE line may change resolution. */
  private recent: RecentName[] = [];
  /** Label names of the previous sample line by index, reused so property keys stay the same strings. */
  private readonly lastLabelNames: string[] = [];
  /** `le`/`quantile` values as written → Go's shortest float form. */
  private readonly normalized = new Map<string, string>();

  constructor(
    text: string,
    private readonly maxSamples: number,
  ) {
    super(text);
  }

  run(): ParsedExposition {
    const { src } = this;
    const end = src.length;
    while (this.pos < end) {
      this.line++;
      this.skipBlanks();
      const c = src.charCodeAt(this.pos);
      if (c === NL) this.pos++;
      else if (c === HASH) this.readComment();
      else this.readSample();
    }
    const families = new Map<string, MetricFamily>();
    for (const f of this.families.values()) {
      // Like expfmt, families that only had HELP/TYPE lines are not reported.
      if (f.samples.length > 0)
        families.set(f.name, {
          name: f.name,
          type: f.type ?? "UNTYPED",
          help: f.help ?? "",
          samples: f.samples,
        });
    }
    return { families, samples: this.samples };
  }

  /** `#` lines: HELP and TYPE set family metadata; anything else is a comment. */
  private readComment(): void {
    const { src } = this;
    this.pos++;
    this.skipBlanks();
    const kwStart = this.pos;
    const kwEnd = this.tokenEnd(kwStart);
    const kwLength = kwEnd - kwStart;
    const isHelp = kwLength === 4 && src.startsWith("HELP", kwStart);
    const isType = kwLength === 4 && src.startsWith("TYPE", kwStart);
    if ((!isHelp && !isType) || src.charCodeAt(kwEnd) === NL) {
      this.pos = this.lineEnd(kwEnd) + 1;
      return;
    }
    this.pos = kwEnd;
    this.skipBlanks();
    const nameStart = this.pos;
    const nameEnd = this.metricNameEnd(nameStart);
    const after = src.charCodeAt(nameEnd);
    if (after === NL) {
      this.pos = nameEnd + 1;
      return;
    }
    if (after !== SPACE && after !== TAB) {
      this.fail(
        nameEnd,
        `invalid metric name in comment: found ${describeChar(after)} after "${src.slice(nameStart, nameEnd)}"`,
      );
    }
    const { family } = resolveFamily(this.families, src.slice(nameStart, nameEnd));
    // A HELP/TYPE line can change which family later names resolve to.
    this.recent = [];
    this.pos = nameEnd;
    this.skipBlanks();
    if (src.charCodeAt(this.pos) === NL) {
      this.pos++;
      return;
    }
    if (isHelp) {
      if (family.help !== null) this.fail(this.pos, `second HELP line for metric name "${family.name}"`);
      family.help = this.readHelpText();
    } else {
      if (family.type !== null)
        this.fail(
          this.pos,
          `second TYPE line for metric name "${family.name}", or TYPE reported after samples`,
        );
      const end = this.lineEnd(this.pos);
      const word = src.slice(this.pos, end);
      const type = TYPES[word.toUpperCase()];
      if (!type)
        this.fail(
          this.pos,
          `unknown metric type "${word}" (expected counter, gauge, histogram, summary or untyped)`,
        );
      family.type = type;
      this.pos = end + 1;
    }
  }

  /** A sample line: name, optional `{labels}`, value, optional timestamp. */
  private readSample(): void {
    const { src } = this;
    const { name, resolved } = this.recentName(this.pos);
    const { family } = resolved;
    if (family.type === null) family.type = "UNTYPED";
    this.pos += name.length;
    this.skipBlanks();
    const labels: Record<string, string> = {};
    if (src.charCodeAt(this.pos) === OPEN_BRACE) {
      this.readLabels(family, resolved.sumOrCount, labels);
      this.skipBlanks();
    }
    const valueStart = this.pos;
    const valueEnd = this.tokenEnd(valueStart);
    const value = scanGoFloat(src, valueStart, valueEnd);
    if (value === null) {
      const got = src.slice(valueStart, valueEnd);
      this.fail(
        valueStart,
        `expected float as value, got "${got}"${got === "" ? ` (the sample "${name}" has no value)` : ""}`,
      );
    }
    let sample: Sample;
    if (src.charCodeAt(valueEnd) === NL) {
      this.pos = valueEnd + 1;
      sample = { family: family.name, type: family.type, name, labels, value };
    } else {
      this.pos = valueEnd;
      this.skipBlanks();
      const tsStart = this.pos;
      const tsEnd = this.tokenEnd(tsStart);
      const timestampMs = parseGoInt64(src.slice(tsStart, tsEnd));
      if (timestampMs === null) {
        const got = src.slice(tsStart, tsEnd);
        this.fail(
          tsStart,
          `expected integer as timestamp, got "${got}"${got === "" ? " (trailing whitespace after the value?)" : ""}`,
        );
      }
      const end = this.lineEnd(tsEnd);
      if (end !== tsEnd) this.fail(tsEnd, `spurious string after timestamp: "${src.slice(tsEnd, end)}"`);
      this.pos = end + 1;
      sample = { family: family.name, type: family.type, name, labels, value, timestampMs };
    }
    family.samples.push(sample);
    this.samples.push(sample);
    if (this.samples.length > this.maxSamples) throw ScrapeLimitError.tooManySamples(this.maxSamples);
  }

  /** `{name="value",...}` into `labels`; `pos` starts at `{` and ends just past `}`. */
  private readLabels(family: FamilyState, sumOrCount: boolean, labels: Record<string, string>): void {
    const { src } = this;
    this.pos++;
    for (let index = 0; ; index++) {
      this.skipBlanks();
      const start = this.pos;
      let c = src.charCodeAt(start);
      if (c === CLOSE_BRACE) {
        this.pos++;
        return;
      }
      const labelName = this.labelName(index, start, family);
      this.pos = start + labelName.length;
      this.skipBlanks();
      c = src.charCodeAt(this.pos);
      if (c !== EQUALS)
        this.fail(this.pos, `expected '=' after label name "${labelName}", found ${describeChar(c)}`);
      if (labelName === "__name__") this.fail(start, `label name "__name__" is reserved`);
      // expfmt keeps `quantile` (summaries) and `le` (histograms) apart from the other labels: they
      // must be floats, are reported in Go's float form, are not labels of `_sum`/`_count`, and are
      // not checked for duplicates (the last one wins).
      const special =
        (labelName === "le" && family.type === "HISTOGRAM") ||
        (labelName === "quantile" && family.type === "SUMMARY");
      if (!special && this.seenEarlierInLine(index, labelName)) {
        this.fail(start, `duplicate label names for metric "${family.name}": "${labelName}" appears twice`);
      }
      this.pos++;
      this.skipBlanks();
      c = src.charCodeAt(this.pos);
      if (c !== QUOTE) this.fail(this.pos, `expected '"' at start of label value, found ${describeChar(c)}`);
      let value = this.readLabelValue();
      if (special) {
        value = this.normalizeBound(labelName, value, start);
        if (!sumOrCount) labels[labelName] = value;
      } else if (labelName === "__proto__") {
        // A plain assignment would set the object's prototype instead of adding the label.
        Object.defineProperty(labels, labelName, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        labels[labelName] = value;
      }
      this.skipBlanks();
      c = src.charCodeAt(this.pos);
      if (c === CLOSE_BRACE) {
        this.pos++;
        return;
      }
      if (c !== COMMA)
        this.fail(
          this.pos,
          `unexpected end of label value "${value}": expected ',' or '}', found ${describeChar(c)}`,
        );
      this.pos++;
    }
  }

  /**
   * The metric name starting at `start` and its family. A name seen on a recent line is recognised
   * by comparing substrings (a native compare, far cheaper than scanning it character by character).
   */
  private recentName(start: number): RecentName {
    const { src, recent } = this;
    for (let k = 0; k < recent.length; k++) {
      const r = recent[k] as RecentName;
      const after = start + r.length;
      if (!((CLASS[src.charCodeAt(after)] as number) & METRIC_CHAR) && src.slice(start, after) === r.name)
        return r;
    }
    const end = this.metricNameEnd(start);
    if (end === start) {
      this.fail(
        start,
        `invalid metric name: a sample line must start with a metric name, found ${describeChar(src.charCodeAt(start))}`,
      );
    }
    const name = src.slice(start, end);
    const entry: RecentName = { length: end - start, name, resolved: resolveFamily(this.families, name) };
    if (recent.length >= RECENT_NAMES) recent.pop();
    recent.unshift(entry);
    return entry;
  }

  /**
   * The label name starting at `start`, the `index`th of its line. The previous line's name at the same
   * index is tried first: real dumps repeat label names line after line, and reusing the same string
   * saves scanning it and keeps property keys identical.
   */
  private labelName(index: number, start: number, family: FamilyState): string {
    const { src } = this;
    const cached = this.lastLabelNames[index];
    if (cached !== undefined) {
      const after = start + cached.length;
      if (!((CLASS[src.charCodeAt(after)] as number) & LABEL_CHAR) && src.slice(start, after) === cached)
        return cached;
    }
    let end = start;
    const c = src.charCodeAt(start);
    if ((CLASS[c] as number) & LABEL_START) while ((CLASS[src.charCodeAt(++end)] as number) & LABEL_CHAR);
    if (end === start)
      this.fail(start, `invalid label name for metric "${family.name}": found ${describeChar(c)}`);
    const name = src.slice(start, end);
    this.lastLabelNames[index] = name;
    return name;
  }

  /** Whether `name` is among this line's earlier label names (which `labelName` left in lastLabelNames). */
  private seenEarlierInLine(index: number, name: string): boolean {
    for (let k = 0; k < index; k++) if (this.lastLabelNames[k] === name) return true;
    return false;
  }

  /** `le`/`quantile` must be a float; expfmt reports it in Go's shortest form (`1.0` → `1`). */
  private normalizeBound(labelName: string, raw: string, at: number): string {
    const known = this.normalized.get(raw);
    if (known !== undefined) return known;
    const v = parseGoFloat(raw);
    if (v === null) this.fail(at, `expected float as value for '${labelName}' label, got "${raw}"`);
    const form = formatGoFloat(v);
    this.normalized.set(raw, form);
    return form;
  }
}
