/**
 * What the exposition parser (parse.ts) remembers across parses. The same pods expose the same text
 * every scrape, in the same order, so nearly every line of a scrape was read before: the parser keeps
 * what it learnt from a line's text (a metric name's family suffixes, a series' labels, a HELP or TYPE
 * line's content) and the line that came next. Whatever it remembers it takes only after comparing the
 * line with the remembered text, so a prediction that is wrong costs one compare and never a different
 * result. Everything that depends on the exposition being read (which family a name joins, whether a
 * second HELP is an error) is decided again in each parse.
 */
import type { Resolved } from "./parse-family";
import type { MetricType } from "./samples";

/** A metric name as the scanner met it in the parse being read, with its resolved family. */
export interface NameEntry {
  info: MetricName;
  length: number;
  name: string;
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

/** A metric name seen in some parse: what its text alone says, and a guess at the name after it. */
export interface MetricName {
  name: string;
  /** `foo` of `foo_sum`/`foo_count` (a summary's or histogram's), else null. */
  sumOrCountBase: string | null;
  /** `foo` of `foo_bucket` (a histogram's), else null. */
  bucketBase: string | null;
  /** The name's last character code, checked before testing `matcher`. */
  lastChar: number;
  /**
   * Matches the name at `lastIndex` when no name character follows. Metric names contain no
   * regular-expression syntax, and V8 runs such a literal sticky test several times faster than
   * comparing a substring.
   */
  matcher: RegExp;
  /** The name of the sample line after this name's last line, the last time. */
  next: MetricName | null;
  /** This name's entry in the parse numbered `entryParse`, null once that parse has ended. */
  entry: NameEntry | null;
  entryParse: number;
}

function strip(name: string, suffix: string): string | null {
  return name.length > suffix.length && name.endsWith(suffix) ? name.slice(0, -suffix.length) : null;
}

const metricNames = new Map<string, MetricName>();
const METRIC_NAMES_MAX = 4096;

/** The remembered facts of a metric name (bounded; forgotten all at once when full). */
export function metricName(name: string): MetricName {
  let info = metricNames.get(name);
  if (info === undefined) {
    if (metricNames.size >= METRIC_NAMES_MAX) metricNames.clear();
    // A copy, so the name does not keep the whole exposition text alive (a slice would).
    const own = (" " + name).slice(1);
    info = {
      name: own,
      sumOrCountBase: strip(own, "_count") ?? strip(own, "_sum"),
      bucketBase: strip(own, "_bucket"),
      lastChar: own.charCodeAt(own.length - 1),
      matcher: new RegExp(`${own}(?![a-zA-Z0-9_:])`, "y"),
      next: null,
      entry: null,
      entryParse: 0,
    };
    metricNames.set(own, info);
  }
  return info;
}

/** A series text read before (see seriesCache). */
export interface KnownSeries {
  /** The series text: the line from its metric name up to and including the `}` its labels end at. */
  key: string;
  /** The metric name the text starts with. */
  info: MetricName;
  /** Labels depend on the family's type (`le`, `quantile`) and on whether the name is its `_sum`/`_count`. */
  type: MetricType;
  sumOrCount: boolean;
  /** Frozen: shared by every sample of this series text, in every parse. */
  labels: Record<string, string>;
  /** The series read on the next line with labels, the last time this one was read. */
  next: KnownSeries | null;
}

/**
 * Labels by series text (`name{labels}` exactly as written), across parses, like Prometheus's scrape
 * cache: the same pods expose the same series every scrape, and node-local-dns listens on the same
 * addresses on every node, so nearly every series line of a scrape has been read before. Reading a
 * line is deterministic from left to right, so a series text that was read up to its closing `}` in
 * the same kind of family reads to the same labels again, whatever follows it on the line. Bounded;
 * forgotten all at once when full.
 */
export const seriesCache = new Map<string, KnownSeries>();
const SERIES_CACHE_MAX = 50_000;

/** Remembers the labels `entry`'s line read up to the end of `key`, its series text. */
export function rememberSeries(key: string, entry: NameEntry, labels: Record<string, string>): KnownSeries {
  if (seriesCache.size >= SERIES_CACHE_MAX) seriesCache.clear();
  // A copy, so the key does not keep the whole exposition text alive (a slice would).
  const own = (" " + key).slice(1);
  const { family, sumOrCount } = entry.resolved;
  const known: KnownSeries = {
    key: own,
    info: entry.info,
    type: family.type as MetricType,
    sumOrCount,
    labels: Object.freeze(labels),
    next: null,
  };
  seriesCache.set(own, known);
  return known;
}

/**
 * A HELP or TYPE line read before, from its `#` to (not including) its newline, and what its text
 * says: the name, and the unescaped HELP text or the type.
 */
export interface CommentLine {
  text: string;
  info: MetricName;
  /** The HELP text; null on a TYPE line. */
  help: string | null;
  /** The type; null on a HELP line. */
  type: MetricType | null;
  /** The HELP or TYPE line after this one, the last time. */
  next: CommentLine | null;
  /** The name of the sample line right after this one, the last time. */
  nextName: MetricName | null;
}

/** The first HELP or TYPE line of the last exposition whose first one was remembered. */
export const commentChain: { first: CommentLine | null } = { first: null };

/** A copy of `text` that does not keep the string it was sliced from alive. */
export function ownCopy(text: string): string {
  return (" " + text).slice(1);
}

let parses = 0;

/** Numbers each parse, so a MetricName can tell whether the entry it holds is this parse's. */
export function nextParseNumber(): number {
  return ++parses;
}

/** Forgets everything remembered, so the next parse reads every line from scratch (for tests). */
export function forgetParseMemo(): void {
  metricNames.clear();
  seriesCache.clear();
  commentChain.first = null;
}
