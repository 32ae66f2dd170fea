/**
 * A parser for the Prometheus text exposition format 0.0.4 that reads what Prometheus's own Go parser
 * (`expfmt.TextParser`, the reference in fixtures/coredns/expfmt/) reads, and rejects what it rejects,
 * with two deliberate differences:
 * - a missing final newline is accepted (expfmt says "unexpected end of input stream"; hand-saved dumps
 *   often lack it and nothing is lost);
 * - histogram/summary samples keep their own value and name even where expfmt would drop or truncate
 *   them (a `_bucket` without `le`, a fractional `_count`), like Prometheus's scraper does.
 *
 * It is a hand-written scanner over the string, in layers: characters (parse-scanner.ts), labels
 * (parse-labels.ts), HELP/TYPE lines (parse-comments.ts), and here sample lines and families. Where
 * V8's native string operations beat a `charCodeAt` loop they do the work: label values end at an
 * `indexOf('"')`, names repeated from recent lines are recognised with a cached sticky literal
 * regular expression, a bucket line that repeats the previous line's labels up to `le` is recognised
 * with one compare, and a series text read in an earlier parse gets its (frozen, shared) labels from
 * a bounded cache.
 * Consecutive scrapes of a pod repeat their lines in the same order, so what came after a line last
 * time (the next series, HELP/TYPE line, new metric name; parse-memo.ts) is tried first, taken only
 * when the text is the same, with one compare instead of a scan and a hash lookup.
 * `ParseOptions.families` skips the lines of other families at newline-search speed.
 */
import * as familyRules from "./parse-family";
import { ScrapeLimitError } from "./parse-errors";
import * as goFloat from "./parse-float";
import * as memo from "./parse-memo";
import type { KnownSeries, MetricName, NameEntry } from "./parse-memo";
import * as scanner from "./parse-scanner";
import { describeChar } from "./parse-scanner";
import { CommentScanner } from "./parse-comments";
import type { MetricFamily, MetricType, ParsedExposition, ParseOptions, Sample } from "./samples";

// Module-local copies of the scanner's constants: CommonJS output (tsx, the scrape CLI, the benchmark)
// reads imported bindings through a getter, which cost a call per character in the loops below.
const { resolveFamilyOf } = familyRules;
const { metricName, nextParseNumber, rememberSeries, seriesCache } = memo;
const { parseGoInt64, scanGoFloat } = goFloat;
const { CLASS, CLOSE_BRACE, HASH, METRIC_CHAR, NL, OPEN_BRACE } = scanner;

export { PrometheusParseError, ScrapeLimitError, type ScrapeLimit } from "./parse-errors";
export type { MetricFamily, MetricType, ParsedExposition, ParseOptions, Sample } from "./samples";

/** How many recently seen metric names are remembered (a histogram cycles through _bucket, _sum, _count). */
const RECENT_NAMES = 4;

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

class ExpositionScanner extends CommentScanner {
  private readonly samples: Sample[] = [];
  /** Sample lines seen, read or skipped (what `maxSamples` limits). */
  private sampleLines = 0;
  /** This parse's number (MetricName.entryParse). */
  private readonly parse = nextParseNumber();
  /** The series of the last line read with labels, whose `next` predicts the next one. */
  private lastSeries: KnownSeries | null = null;
  /** The name of the last sample line, whose `next` predicts the next new name. */
  private lastName: MetricName | null = null;
  /** The metric names given an entry in this parse (MetricName.entry), released when it ends. */
  private readonly named: MetricName[] = [];

  constructor(
    text: string,
    private readonly maxSamples: number,
    private readonly wanted: ReadonlySet<string> | null,
  ) {
    super(text);
  }

  run(): ParsedExposition {
    try {
      return this.readAll();
    } finally {
      // The names keep their entries only for this parse: an entry holds its family and so the samples.
      for (const info of this.named) info.entry = null;
    }
  }

  private readAll(): ParsedExposition {
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

  /** A sample line: name, optional `{labels}`, value, optional timestamp. */
  private readSample(): void {
    const { src } = this;
    const lineStart = this.pos;
    const predicted = this.predictedSeries(lineStart);
    if (predicted !== null) {
      const entry = this.entryFor(predicted.info);
      this.countSample(entry);
      this.lastSeries = predicted;
      this.lastName = predicted.info;
      this.afterComment = false;
      this.pos = lineStart + predicted.key.length;
      this.skipBlanks();
      this.readValue(entry, predicted.labels);
      return;
    }
    const entry = this.recentName(lineStart);
    const { name, resolved } = entry;
    const { family } = resolved;
    this.countSample(entry);
    this.lastName = entry.info;
    this.afterComment = false;
    if (!entry.keep) {
      // Not wanted: skipped at the speed of a native newline search, unread and unchecked.
      this.pos = src.indexOf("\n", lineStart + name.length) + 1;
      return;
    }
    this.pos += name.length;
    this.skipBlanks();
    let labels: Record<string, string>;
    if (src.charCodeAt(this.pos) === OPEN_BRACE) {
      // The series text is the line up to its last `}`; one read before in the same kind of family
      // gives the same labels (see seriesCache).
      const close = this.lastCloseBrace(this.pos, src.indexOf("\n", this.pos));
      const key = src.slice(lineStart, close + 1);
      let known = close > this.pos ? seriesCache.get(key) : undefined;
      if (known !== undefined && known.type === family.type && known.sumOrCount === resolved.sumOrCount) {
        labels = known.labels;
        this.pos = close + 1;
      } else {
        labels = this.readLabels(entry, family, resolved.sumOrCount, lineStart);
        known = this.pos === close + 1 ? rememberSeries(key, entry, labels) : undefined;
      }
      if (this.lastSeries !== null && known !== undefined) this.lastSeries.next = known;
      this.lastSeries = known ?? null;
      this.skipBlanks();
    } else labels = {};
    this.readValue(entry, labels);
  }

  /**
   * The series the line at `lineStart` starts with, when it is the one that followed the previous
   * series last time (as consecutive scrapes of a pod repeat their series in the same order) and it
   * reads the same way in this parse: the line starts with its whole text (so its name and labels read
   * exactly as they did, see seriesCache), and its name is wanted here and resolves to a family of the
   * same type. Null otherwise, and the line is read from its name on.
   */
  private predictedSeries(lineStart: number): KnownSeries | null {
    const predicted = this.lastSeries === null ? null : this.lastSeries.next;
    if (predicted === null) return null;
    const { src } = this;
    const { key } = predicted;
    const end = lineStart + key.length;
    if (src.charCodeAt(end - 1) !== CLOSE_BRACE || src.slice(lineStart, end) !== key) return null;
    const entry = this.entryFor(predicted.info);
    const { family, sumOrCount } = entry.resolved;
    if (!entry.keep || predicted.sumOrCount !== sumOrCount) return null;
    if ((family.type ?? "UNTYPED") !== predicted.type) return null;
    return predicted;
  }

  /** Counts a sample line toward `maxSamples`; a family's first sample settles it as untyped. */
  private countSample(entry: NameEntry): void {
    const { family } = entry.resolved;
    if (family.type === null) family.type = "UNTYPED";
    if (++this.sampleLines > this.maxSamples) throw ScrapeLimitError.tooManySamples(this.maxSamples);
  }

  /**
   * Where the last `}` before `nl` is, -1 when none is after `from`. A backward scan: the value and
   * timestamp after it are a few characters, and V8's `lastIndexOf` is a runtime call.
   */
  private lastCloseBrace(from: number, nl: number): number {
    const { src } = this;
    for (let i = nl - 1; i > from; i--) if (src.charCodeAt(i) === CLOSE_BRACE) return i;
    return -1;
  }

  /** The value and optional timestamp of a sample line whose labels are read; `pos` is at the value. */
  private readValue(entry: NameEntry, labels: Readonly<Record<string, string>>): void {
    const { src } = this;
    const { name } = entry;
    const { family } = entry.resolved;
    const type = family.type as MetricType;
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
      sample = { family: family.name, type, name, labels, value };
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
      sample = { family: family.name, type, name, labels, value, timestampMs };
    }
    family.samples.push(sample);
    this.samples.push(sample);
  }

  /**
   * The metric name starting at `start` and its family. A name seen on a recent line is recognised
   * by its length and last character, then one substring compare (native; V8's `startsWith` is
   * slower), far cheaper than scanning it character by character.
   */
  private recentName(start: number): NameEntry {
    const { src, recent } = this;
    for (let k = 0; k < recent.length; k++) {
      const r = recent[k] as NameEntry;
      if (r.template !== null) {
        const prefixEnd = start + r.prefix.length;
        if (src.charCodeAt(prefixEnd - 3) === r.prefixProbe && src.slice(start, prefixEnd) === r.prefix) {
          this.prefixHit = true;
          return r;
        }
      }
      this.prefixHit = false;
      const { info } = r;
      if (src.charCodeAt(start + r.length - 1) === info.lastChar) {
        const { matcher } = info;
        matcher.lastIndex = start;
        if (matcher.test(src)) return r;
      }
    }
    this.prefixHit = false;
    // A name not among the recent ones: the one that came here last time, or read.
    const predicted = this.afterComment
      ? this.lastComment === null
        ? null
        : this.lastComment.nextName
      : this.lastName === null
        ? null
        : this.lastName.next;
    let info: MetricName | null = null;
    if (predicted !== null) {
      const end = start + predicted.name.length;
      if (!((CLASS[src.charCodeAt(end)] as number) & METRIC_CHAR) && src.slice(start, end) === predicted.name)
        info = predicted;
    }
    if (info === null) {
      const end = this.metricNameEnd(start);
      if (end === start) {
        this.fail(
          start,
          `invalid metric name: a sample line must start with a metric name, found ${describeChar(src.charCodeAt(start))}`,
        );
      }
      info = metricName(src.slice(start, end));
      if (this.afterComment) {
        if (this.lastComment !== null) this.lastComment.nextName = info;
      } else if (this.lastName !== null) this.lastName.next = info;
    }
    const entry = this.entryFor(info);
    if (recent.length >= RECENT_NAMES) recent.pop();
    recent.unshift(entry);
    return entry;
  }

  /**
   * This parse's entry for a metric name, resolved on first use. Resolution never changes later in the
   * parse: a name that resolved to a family of its own keeps it (families are never removed), and one
   * that joined a typed summary/histogram keeps joining it (a TYPE is set once, and a family of the
   * name itself could only be created by resolving the name again).
   */
  private entryFor(info: MetricName): NameEntry {
    if (info.entryParse === this.parse && info.entry !== null) return info.entry;
    const { name } = info;
    const resolved = resolveFamilyOf(this.families, name, info.sumOrCountBase, info.bucketBase);
    const { wanted } = this;
    const entry: NameEntry = {
      info,
      length: name.length,
      name,
      resolved,
      keep: wanted === null || wanted.has(resolved.family.name) || wanted.has(name),
      prefix: "",
      prefixProbe: 0,
      template: null,
      templateLast: null,
      prefixNames: [],
    };
    info.entry = entry;
    this.named.push(info);
    info.entryParse = this.parse;
    return entry;
  }
}
