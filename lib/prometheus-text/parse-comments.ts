/**
 * The comment half of the exposition parser (parse.ts): `#` lines, where HELP and TYPE set a family's
 * help text and type and anything else is skipped, read the way expfmt reads them (a second HELP or
 * TYPE for a family refused, an unknown type refused). Consecutive scrapes repeat their HELP/TYPE
 * lines in the same order, so the line that followed the previous one last time is tried first and
 * taken from what was remembered of it (CommentLine, parse-memo.ts) with one compare.
 * It also holds what parse.ts shares with it: the families, and the recent names a HELP/TYPE line
 * forgets, since such a line can change which family a name joins.
 */
import * as familyRules from "./parse-family";
import type { FamilyState } from "./parse-family";
import * as memo from "./parse-memo";
import type { CommentLine, NameEntry } from "./parse-memo";
import * as scanner from "./parse-scanner";
import { describeChar } from "./parse-scanner";
import { LabelScanner } from "./parse-labels";
import type { MetricType } from "./samples";

// Module-local copies, as in parse.ts: imported bindings are read through a getter under CommonJS.
const { resolveFamily, resolveFamilyOf } = familyRules;
const { commentChain, metricName, ownCopy } = memo;
const { NL, SPACE, TAB } = scanner;

const TYPES: Record<string, MetricType> = {
  COUNTER: "COUNTER",
  GAUGE: "GAUGE",
  HISTOGRAM: "HISTOGRAM",
  SUMMARY: "SUMMARY",
  UNTYPED: "UNTYPED",
};

export abstract class CommentScanner extends LabelScanner {
  /** This parse's families by name: HELP/TYPE lines set their metadata, sample lines join them. */
  protected readonly families = new Map<string, FamilyState>();
  /** Recent sample names and their families, newest first; cleared when a HELP/TYPE line may change resolution. */
  protected recent: NameEntry[] = [];
  /** The last HELP/TYPE line when it is remembered, whose `next` predicts the next one. */
  protected lastComment: CommentLine | null = null;
  /** Whether the last line read was a comment (then `lastComment.nextName` predicts the next name). */
  protected afterComment = false;
  /** Whether a HELP/TYPE line was remembered in this parse (the first one heads `commentChain`). */
  private commentsSeen = false;

  /**
   * `#` lines: HELP and TYPE set family metadata; anything else is a comment. A HELP/TYPE line that
   * is the one that followed the previous one last time is taken from what was remembered of it.
   */
  protected readComment(): void {
    const { src } = this;
    const lineStart = this.pos;
    this.afterComment = true;
    const predicted = this.commentsSeen
      ? this.lastComment === null
        ? null
        : this.lastComment.next
      : commentChain.first;
    if (predicted !== null) {
      const end = lineStart + predicted.text.length;
      if (
        src.charCodeAt(end) === NL &&
        src.slice(lineStart, end) === predicted.text &&
        this.applyComment(predicted)
      ) {
        this.pos = end + 1;
        this.lastComment = predicted;
        this.commentsSeen = true;
        return;
      }
    }
    const read = this.readCommentText();
    if (read !== null) {
      if (this.lastComment !== null) this.lastComment.next = read;
      else if (!this.commentsSeen) commentChain.first = read;
      this.commentsSeen = true;
    }
    this.lastComment = read;
  }

  /**
   * A remembered HELP/TYPE line applied to this parse's families; false, with nothing changed, when
   * the family already has its HELP/TYPE (readCommentText then reports the error as it does).
   */
  private applyComment(line: CommentLine): boolean {
    const { info } = line;
    const { family } = resolveFamilyOf(this.families, info.name, info.sumOrCountBase, info.bucketBase);
    if (line.type === null) {
      if (family.help !== null) return false;
      family.help = line.help;
    } else {
      if (family.type !== null) return false;
      family.type = line.type;
    }
    this.recent = [];
    return true;
  }

  /** readComment on a line not remembered; what is remembered of it when it set a HELP or TYPE. */
  private readCommentText(): CommentLine | null {
    const { src } = this;
    const lineStart = this.pos;
    this.pos++;
    this.skipBlanks();
    const kwStart = this.pos;
    const kwEnd = this.tokenEnd(kwStart);
    const kwLength = kwEnd - kwStart;
    const isHelp = kwLength === 4 && src.startsWith("HELP", kwStart);
    const isType = kwLength === 4 && src.startsWith("TYPE", kwStart);
    if ((!isHelp && !isType) || src.charCodeAt(kwEnd) === NL) {
      this.pos = this.lineEnd(kwEnd) + 1;
      return null;
    }
    this.pos = kwEnd;
    this.skipBlanks();
    const nameStart = this.pos;
    const nameEnd = this.metricNameEnd(nameStart);
    const after = src.charCodeAt(nameEnd);
    if (after === NL) {
      this.pos = nameEnd + 1;
      return null;
    }
    if (after !== SPACE && after !== TAB) {
      this.fail(
        nameEnd,
        `invalid metric name in comment: found ${describeChar(after)} after "${src.slice(nameStart, nameEnd)}"`,
      );
    }
    const name = src.slice(nameStart, nameEnd);
    const { family } = resolveFamily(this.families, name);
    // The recent names are those of the family after this line.
    this.recent = [];
    this.pos = nameEnd;
    this.skipBlanks();
    if (src.charCodeAt(this.pos) === NL) {
      this.pos++;
      return null;
    }
    if (isHelp) {
      if (family.help !== null) this.fail(this.pos, `second HELP line for metric name "${family.name}"`);
      // A copy: the remembered line must not keep this exposition's text alive.
      const help = ownCopy(this.readHelpText());
      family.help = help;
      const text = ownCopy(src.slice(lineStart, this.pos - 1));
      return { text, info: metricName(name), help, type: null, next: null, nextName: null };
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
      const text = ownCopy(src.slice(lineStart, end));
      return { text, info: metricName(name), help: null, type, next: null, nextName: null };
    }
  }
}
