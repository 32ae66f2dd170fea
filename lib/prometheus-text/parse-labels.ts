/**
 * The label half of the exposition parser (parse.ts): a sample line's `{name="value",...}`, read the
 * way expfmt reads it (duplicate names refused, `le`/`quantile` normalised to Go's float form, kept
 * apart from `_sum`/`_count`), with the shortcuts that make repeated lines cheap: the previous line's
 * label names tried first, and a bucket line that repeats the previous line up to its last label
 * taken from a copy of that line's labels (NameEntry.prefix/template, parse-memo.ts).
 */
import * as goFloatFormat from "./format-float";
import type { FamilyState } from "./parse-family";
import * as goFloat from "./parse-float";
import type { NameEntry } from "./parse-memo";
import * as scanner from "./parse-scanner";
import { describeChar, LineScanner } from "./parse-scanner";

// Module-local copies, as in parse.ts: imported bindings are read through a getter under CommonJS.
const { formatGoFloat } = goFloatFormat;
const { parseGoFloat } = goFloat;
const { CLASS, CLOSE_BRACE, COMMA, EQUALS, LABEL_CHAR, LABEL_START, QUOTE } = scanner;

export class LabelScanner extends LineScanner {
  /** Label names of the previous sample line by index, reused so property keys stay the same strings. */
  protected readonly lastLabelNames: string[] = [];
  /** Whether the line the name reader just read starts with that name's `prefix`. */
  protected prefixHit = false;
  /** `le`/`quantile` values as written → Go's shortest float form. */
  private readonly normalized = new Map<string, string>();

  /** `{name="value",...}`; `pos` starts at `{` and ends just past `}`. */
  protected readLabels(
    entry: NameEntry,
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
   * line of the same name (NameEntry.prefix). Not kept when the last label's name also appears
   * earlier in the line (a repeated `le`), where dropping it would drop the earlier one too.
   */
  private rememberPrefix(
    entry: NameEntry,
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
