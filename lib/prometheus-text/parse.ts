/**
 * A parser for the Prometheus text exposition format 0.0.4 that reads what Prometheus's own Go parser
 * (`expfmt.TextParser`, the reference in fixtures/coredns/expfmt/) reads, and rejects what it rejects,
 * with two deliberate differences:
 * - a missing final newline is accepted (expfmt says "unexpected end of input stream"; hand-saved dumps
 *   often lack it and nothing is lost);
 * - histogram/summary samples keep their own value and name even where expfmt would drop or truncate
 *   them (a `_bucket` without `le`, a fractional `_count`), like Prometheus's scraper does.
 *
 * It is a hand-written scanner over the string (parse-scanner.ts). Where V8's native string
 * operations beat a `charCodeAt` loop they do the work: label values end at an `indexOf('"')`, names
 * repeated from recent lines are recognised with a cached sticky literal regular expression, a
 * bucket line that repeats the previous line's labels up to `le` is recognised with one compare, and
 * a series text read in an earlier parse gets its (frozen, shared) labels from a bounded cache.
 * `ParseOptions.families` skips the lines of other families at newline-search speed.
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
  /** The name's last character code, checked before comparing whole names. */
  lastChar: number;
  /** Matches the name at `lastIndex` when no name character follows (see nameMatcher). */
  matcher: RegExp;
  resolved: Resolved;
  /** False when `ParseOptions.families` leaves this name out: its lines are skipped unread. */
  keep: boolean;
  /**
   * This name's previous line up to (not including) its last label, e.g.
   * `foo_bucket{server="dns://:53",zone=".",` of a bucket line, and the labels it held. A histogram's
   * bucket lines differ only in `le`: when the next line starts with the same text, its name and
   * labels are known with one compare (the same text in the same family always reads the same way).
   * Empty when the line had blanks between the name and `{`.
   */
  prefix: string;
  /** A character of `prefix` that tells most non-matching lines apart before comparing it whole. */
  prefixProbe: number;
  /** The previous line's labels (all of them; see readLabels), null until a prefix is remembered. */
  template: Record<string, string> | null;
  /** The name of `template`'s last label, null when that label is not among its properties. */
  templateLast: string | null;
  prefixNames: string[];
}

/**
 * Sticky regular expressions that recognise a metric name at a position, by name. Metric names
 * contain no regular-expression syntax, and V8 runs such a literal test several times faster than
 * comparing a substring. Kept across parses (the same pods expose the same names every scrape),
 * forgotten all at once when there are too many.
 */
const nameMatchers = new Map<string, RegExp>();
const NAME_MATCHERS_MAX = 4096;

function nameMatcher(name: string): RegExp {
  let re = nameMatchers.get(name);
  if (re === undefined) {
    if (nameMatchers.size >= NAME_MATCHERS_MAX) nameMatchers.clear();
    re = new RegExp(`${name}(?![a-zA-Z0-9_:])`, "y");
    nameMatchers.set(name, re);
  }
  return re;
}

/** A series text read before (see seriesCache). */
interface KnownSeries {
  /** Labels depend on the family's type (`le`, `quantile`) and on whether the name is its `_sum`/`_count`. */
  type: MetricType;
  sumOrCount: boolean;
  /** Frozen: shared by every sample of this series text, in every parse. */
  labels: Record<string, string>;
}

/**
 * Labels by series text (`name{labels}` exactly as written), across parses, like Prometheus's scrape
 * cache: the same pods expose the same series every scrape, and node-local-dns listens on the same
 * addresses on every node, so nearly every series line of a scrape has been read before. Reading a
 * line is deterministic from left to right, so a series text that was read up to its closing `}` in
 * the same kind of family reads to the same labels again, whatever follows it on the line. Bounded;
 * forgotten all at once when full.
 */
const seriesCache = new Map<string, KnownSeries>();
const SERIES_CACHE_MAX = 50_000;

function rememberSeries(
  key: string,
  type: MetricType,
  sumOrCount: boolean,
  labels: Record<string, string>,
): void {
  if (seriesCache.size >= SERIES_CACHE_MAX) seriesCache.clear();
  // A copy, so the key does not keep the whole exposition text alive (a slice would).
  const own = (" " + key).slice(1);
  seriesCache.set(own, { type, sumOrCount, labels: Object.freeze(labels) });
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
  return new ExpositionScanner(text, opts.maxSamples ?? Infinity, opts.families ?? null).run();
}

class ExpositionScanner extends LineScanner {
  private readonly families = new Map<string, FamilyState>();
  private readonly samples: Sample[] = [];
  /** Recent sample names and their families, newest first; cleared when a HELP/TYPE line may change resolution. */
  private recent: RecentName[] = [];
  /** Label names of the previous sample line by index, reused so property keys stay the same strings. */
  private readonly lastLabelNames: string[] = [];
  /** Whether the line `recentName` just read starts with that name's `prefix`. */
  private prefixHit = false;
  /** `le`/`quantile` values as written → Go's shortest float form. */
  private readonly normalized = new Map<string, string>();
  /** Sample lines seen, read or skipped (what `maxSamples` limits). */
  private sampleLines = 0;

  constructor(
    text: string,
    private readonly maxSamples: number,
    private readonly wanted: ReadonlySet<string> | null,
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
    return { families, samples: this.samples, sampleLines: this.sampleLines };
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
    const entry = this.recentName(this.pos);
    const { name, resolved } = entry;
    const { family } = resolved;
    if (family.type === null) family.type = "UNTYPED";
    if (++this.sampleLines > this.maxSamples) throw ScrapeLimitError.tooManySamples(this.maxSamples);
    if (!entry.keep) {
      // Not wanted: skipped at the speed of a native newline search, unread and unchecked.
      this.pos = src.indexOf("\n", this.pos + name.length) + 1;
      return;
    }
    const lineStart = this.pos;
    this.pos += name.length;
    this.skipBlanks();
    let labels: Record<string, string>;
    if (src.charCodeAt(this.pos) === OPEN_BRACE) {
      // The series text is the line up to its last `}`; one read before in the same kind of family
      // gives the same labels (see seriesCache).
      const close = src.lastIndexOf("}", src.indexOf("\n", this.pos));
      const key = src.slice(lineStart, close + 1);
      const known = close > this.pos ? seriesCache.get(key) : undefined;
      if (known !== undefined && known.type === family.type && known.sumOrCount === resolved.sumOrCount) {
        labels = known.labels;
        this.pos = close + 1;
      } else {
        labels = this.readLabels(entry, family, resolved.sumOrCount, lineStart);
        if (this.pos === close + 1) rememberSeries(key, family.type, resolved.sumOrCount, labels);
      }
      this.skipBlanks();
    } else labels = {};
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
  }

  /** `{name="value",...}`; `pos` starts at `{` and ends just past `}`. */
  private readLabels(
    entry: RecentName,
    family: FamilyState,
    sumOrCount: boolean,
    lineStart: number,
  ): Record<string, string> {
    const { src } = this;
    const open = ++this.pos;
    let index = 0;
    const { template } = entry;
    // Where the remembered prefix ended on this line (-1: it did not match).
    let prefixEnd = -1;
    let labels: Record<string, string>;
    // The previous line's last label, copied with the template: overwritten when this line's next
    // label has the same name (nearly always), deleted otherwise.
    let stale: string | null = null;
    if (this.prefixHit && template !== null) {
      // A spread copy of the previous line's labels, last one included: V8 copies such an object in
      // one go and overwriting a property keeps its shape, while adding one to a copy is ~50× slower.
      labels = { ...template };
      stale = entry.templateLast;
      const names = entry.prefixNames;
      for (; index < names.length; index++) this.lastLabelNames[index] = names[index] as string;
      this.pos = prefixEnd = lineStart + entry.prefix.length;
    } else labels = {};
    for (; ; index++) {
      this.skipBlanks();
      const start = this.pos;
      let c = src.charCodeAt(start);
      if (c === CLOSE_BRACE) {
        this.pos++;
        if (stale !== null) delete labels[stale];
        return labels;
      }
      const labelName = this.labelName(index, start, family);
      if (stale !== null) {
        if (labelName !== stale) delete labels[stale];
        stale = null;
      }
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
        if (start !== prefixEnd && open === lineStart + entry.length + 1)
          this.rememberPrefix(entry, lineStart, start, labels, index);
        return labels;
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
   * Keeps this line's label text before its last label, and the labels read from it, for the next
   * line of the same name (RecentName.prefix). Not kept when the last label's name also appears
   * earlier in the line (a repeated `le`), where dropping it would drop the earlier one too.
   */
  private rememberPrefix(
    entry: RecentName,
    lineStart: number,
    lastStart: number,
    labels: Record<string, string>,
    lastIndex: number,
  ): void {
    const { src } = this;
    const names = this.lastLabelNames.slice(0, lastIndex);
    const lastName = this.lastLabelNames[lastIndex] as string;
    if (names.includes(lastName) || names.includes("__proto__") || lastName === "__proto__") return;
    entry.prefix = src.slice(lineStart, lastStart);
    entry.prefixProbe = src.charCodeAt(lastStart - 3);
    // Only ever copied, never written: the sample that owns it keeps it unchanged.
    entry.template = labels;
    entry.templateLast = Object.prototype.hasOwnProperty.call(labels, lastName) ? lastName : null;
    entry.prefixNames = names;
  }

  /**
   * The metric name starting at `start` and its family. A name seen on a recent line is recognised
   * by its length and last character, then one substring compare (native; V8's `startsWith` is
   * slower), far cheaper than scanning it character by character.
   */
  private recentName(start: number): RecentName {
    const { src, recent } = this;
    for (let k = 0; k < recent.length; k++) {
      const r = recent[k] as RecentName;
      if (r.template !== null) {
        const prefixEnd = start + r.prefix.length;
        if (src.charCodeAt(prefixEnd - 3) === r.prefixProbe && src.slice(start, prefixEnd) === r.prefix) {
          this.prefixHit = true;
          return r;
        }
      }
      this.prefixHit = false;
      const { matcher } = r;
      if (src.charCodeAt(start + r.length - 1) === r.lastChar) {
        matcher.lastIndex = start;
        if (matcher.test(src)) return r;
      }
    }
    const end = this.metricNameEnd(start);
    if (end === start) {
      this.fail(
        start,
        `invalid metric name: a sample line must start with a metric name, found ${describeChar(src.charCodeAt(start))}`,
      );
    }
    const name = src.slice(start, end);
    const resolved = resolveFamily(this.families, name);
    const { wanted } = this;
    const entry: RecentName = {
      length: end - start,
      name,
      lastChar: name.charCodeAt(name.length - 1),
      matcher: nameMatcher(name),
      resolved,
      keep: wanted === null || wanted.has(resolved.family.name) || wanted.has(name),
      prefix: "",
      prefixProbe: 0,
      template: null,
      templateLast: null,
      prefixNames: [],
    };
    if (recent.length >= RECENT_NAMES) recent.pop();
    this.prefixHit = false;
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
