/**
 * Line-level surgery on Corefile text: the edit functions change whole lines only, so a unified
 * diff of before/after shows exactly the lines an operator's click touched.
 */
import type { CorefileDirective, CorefileDocument, CorefileServerBlockNode } from "./types";

/** An edit that cannot be made without touching lines it should not; the message says what to do. */
export class CorefileEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CorefileEditError";
  }
}

/** One pending change: replace lines [from, to] (1-based, inclusive; to = from - 1 inserts before `from`). */
export interface LineChange {
  from: number;
  to: number;
  lines: string[];
}

/** Applies non-overlapping changes to the text, keeping the file's line endings. */
export function applyLineChanges(source: string, changes: LineChange[]): string {
  const lines = source.split("\n");
  const crlf = (lines[0] ?? "").endsWith("\r");
  const sorted = [...changes].sort((a, b) => b.from - a.from);
  for (const c of sorted) {
    const added = c.lines.map((l) => (crlf ? `${l}\r` : l));
    lines.splice(c.from - 1, c.to - c.from + 1, ...added);
  }
  return lines.join("\n");
}

/** The text of a 1-based line, without its line ending. */
export function lineText(source: string, line: number): string {
  return (source.split("\n")[line - 1] ?? "").replace(/\r$/, "");
}

/** Offset of the first character of each line. */
export function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === "\n") starts.push(i + 1);
  return starts;
}

/** Leading whitespace of a line. */
export function indentOf(text: string): string {
  return /^[ \t]*/.exec(text)?.[0] ?? "";
}

/** The block, or a RangeError naming the valid range. */
export function blockAt(doc: CorefileDocument, index: number): CorefileServerBlockNode {
  const block = doc.blocks[index];
  if (!block) {
    throw new RangeError(
      `server block ${index} does not exist: the Corefile has ${doc.blocks.length} (0-based)`,
    );
  }
  return block;
}

/** True when the directive's lines hold nothing but the directive (and comments). */
export function ownsItsLines(doc: CorefileDocument, d: CorefileDirective): boolean {
  const mine = new Set(d.tokens);
  return doc.tokens.every((t) => mine.has(t) || t.endLine < d.line || t.line > d.endLine);
}

/**
 * The file's indentation habits: how far directives sit inside a server block, and how far
 * sub-directives sit inside a directive's block (the upstream template uses 4 and 8).
 */
export function indentStyle(doc: CorefileDocument): { directive: string; nested: string } {
  const src = doc.source;
  let directive: string | null = null;
  let nested: string | null = null;
  for (const b of doc.blocks) {
    for (const d of b.directives) {
      const dIndent = indentOf(lineText(src, d.line));
      directive ??= dIndent.slice(indentOf(lineText(src, b.line)).length) || null;
      for (const sub of d.block ?? []) {
        if (sub.line === d.line) continue;
        const sIndent = indentOf(lineText(src, sub.line));
        if (nested === null && sIndent.startsWith(dIndent) && sIndent.length > dIndent.length) {
          nested = sIndent.slice(dIndent.length);
        }
      }
    }
  }
  const dir = directive ?? "    ";
  return { directive: dir, nested: nested ?? dir };
}
