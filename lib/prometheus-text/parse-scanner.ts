/**
 * The character-level half of the exposition parser: where tokens, names, quoted label values and
 * HELP text end, and how errors get their line. parse.ts builds families and samples on top of it.
 * Every line of `src` ends in "\n" (a missing final newline is added), so no loop here needs its own
 * end-of-input check.
 */
import { PrometheusParseError } from "./parse-errors";

export const NL = 10;
export const TAB = 9;
export const SPACE = 32;
export const QUOTE = 34;
export const HASH = 35;
export const COMMA = 44;
export const EQUALS = 61;
export const BACKSLASH = 92;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;

// Character classes by UTF-16 code unit; a table lookup is cheaper than range tests in the hot loops.
export const LABEL_START = 1;
export const LABEL_CHAR = 2;
export const METRIC_START = 4;
export const METRIC_CHAR = 8;
export const CLASS = new Uint8Array(65536);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  const digit = c >= 48 && c <= 57;
  let flags = 0;
  if (letter) flags |= LABEL_START | METRIC_START;
  if (letter || digit) flags |= LABEL_CHAR | METRIC_CHAR;
  if (c === 58) flags |= METRIC_START | METRIC_CHAR; // ':' only in metric names
  CLASS[c] = flags;
}

/** How a character is shown in an error message. */
export function describeChar(c: number): string {
  if (c === NL) return "end of line";
  return `'${String.fromCharCode(c)}'`;
}

/** A cursor over exposition text with the line number errors report. */
export abstract class LineScanner {
  protected readonly src: string;
  /** True when we added the final newline ourselves; errors there mean the input ended early. */
  private readonly appendedNewline: boolean;
  protected pos = 0;
  /** 1-based number of the line being read; the subclass counts lines as it starts them. */
  protected line = 0;
  /** See nextBackslashOrNewline. */
  private nextBackslash = -1;
  private nextNewline = -1;

  constructor(text: string) {
    this.appendedNewline = text.length > 0 && text.charCodeAt(text.length - 1) !== NL;
    this.src = this.appendedNewline ? text + "\n" : text;
  }

  /** Throws the parse error for the current line; `at` tells whether the input simply ended early. */
  protected fail(at: number, detail: string): never {
    if (this.appendedNewline && at >= this.src.length - 1)
      detail = `unexpected end of input stream (${detail})`;
    throw new PrometheusParseError(this.line, detail);
  }

  /** Moves `pos` past spaces and tabs. */
  protected skipBlanks(): void {
    const { src } = this;
    let c = src.charCodeAt(this.pos);
    while (c === SPACE || c === TAB) c = src.charCodeAt(++this.pos);
  }

  /** Index just past the token starting at `from` (a token ends at a blank or newline). */
  protected tokenEnd(from: number): number {
    const { src } = this;
    let i = from;
    let c = src.charCodeAt(i);
    while (c !== SPACE && c !== TAB && c !== NL) c = src.charCodeAt(++i);
    return i;
  }

  /** Index just past the metric name starting at `from` (`from` itself when none starts there). */
  protected metricNameEnd(from: number): number {
    const { src } = this;
    let i = from;
    if ((CLASS[src.charCodeAt(i)] as number) & METRIC_START)
      while ((CLASS[src.charCodeAt(++i)] as number) & METRIC_CHAR);
    return i;
  }

  /** Index of the newline ending the current line. */
  protected lineEnd(from: number): number {
    return this.src.indexOf("\n", from);
  }

  /** The rest of the line as HELP text, where only `\\` and `\n` are escapes. */
  protected readHelpText(): string {
    const { src } = this;
    const start = this.pos;
    const end = this.lineEnd(start);
    const firstEscape = this.nextBackslashOrNewline(start);
    if (firstEscape === end) {
      this.pos = end + 1;
      return src.slice(start, end);
    }
    let out = "";
    let chunk = start;
    for (let i = firstEscape; i < end; i++) {
      if (src.charCodeAt(i) !== BACKSLASH) continue;
      const next = src.charCodeAt(i + 1);
      if (next !== BACKSLASH && next !== 110) {
        this.fail(
          i + 1,
          `invalid escape sequence '\\${next === NL ? "" : String.fromCharCode(next)}' in HELP text (only \\\\ and \\n are allowed)`,
        );
      }
      out += src.slice(chunk, i) + (next === BACKSLASH ? "\\" : "\n");
      chunk = ++i + 1;
    }
    this.pos = end + 1;
    return out + src.slice(chunk, end);
  }

  /**
   * The first backslash or newline at or after `from`. Both positions are found with indexOf and kept
   * until the scan passes them, so the whole text is searched at most once for each.
   */
  protected nextBackslashOrNewline(from: number): number {
    if (this.nextBackslash < from) {
      const i = this.src.indexOf("\\", from);
      this.nextBackslash = i === -1 ? this.src.length : i;
    }
    if (this.nextNewline < from) this.nextNewline = this.src.indexOf("\n", from);
    return this.nextBackslash < this.nextNewline ? this.nextBackslash : this.nextNewline;
  }

  /** A quoted label value; `pos` starts at the opening quote and ends just past the closing one. */
  protected readLabelValue(): string {
    const { src } = this;
    const start = this.pos + 1;
    // Fast path: the closing quote comes before any backslash or newline; found with native searches.
    const quote = src.indexOf('"', start);
    if (quote !== -1 && quote < this.nextBackslashOrNewline(start)) {
      this.pos = quote + 1;
      return ownValue(src.slice(start, quote));
    }
    let i = start;
    let c = src.charCodeAt(i);
    // Slow path: the value has escapes (or no closing quote); copy the plain runs between them.
    let out = "";
    let chunk = start;
    for (;;) {
      if (c === QUOTE) break;
      if (c === NL)
        this.fail(
          i,
          `invalid label value "${src.slice(start, i)}": missing closing quote (a label value cannot span lines; write \\n)`,
        );
      if (c === BACKSLASH) {
        const next = src.charCodeAt(++i);
        if (next !== BACKSLASH && next !== QUOTE && next !== 110) {
          this.fail(
            i,
            `invalid escape sequence '\\${next === NL ? "" : String.fromCharCode(next)}' in label value (only \\\\, \\" and \\n are allowed)`,
          );
        }
        out += src.slice(chunk, i - 1) + (next === 110 ? "\n" : String.fromCharCode(next));
        chunk = i + 1;
      }
      c = src.charCodeAt(++i);
    }
    this.pos = i + 1;
    return ownValue(out + src.slice(chunk, i));
  }
}

/**
 * A label value that does not keep the exposition alive. V8 makes a slice of 13 or more characters a
 * view on the whole text (`server="dns://169.254.20.10:53"`, `zone="cluster.local."`): a label object
 * kept past the parse — the series cache, a node's latest record — would hold every scrape's body it
 * was read from (measured: 3 MiB per node after an hour). Shorter slices are copies already.
 */
function ownValue(v: string): string {
  return v.length >= 13 ? (" " + v).slice(1) : v;
}
