/**
 * Line diffs of two Corefiles: the unified text (`--- a/Corefile`, `+++ b/Corefile`, `@@` hunks),
 * exactly as `diff -u` / `git diff` print it, and the same hunks as data for the UI.
 */
import * as diffSequencesModule from "@jest/diff-sequences";

type DiffSequences = typeof diffSequencesModule.default;
/**
 * The package is CommonJS with `exports.default`; bundlers disagree on how many `.default`s an ESM
 * import of it needs (vitest: one, Next.js's server bundle: two), so unwrap to the function.
 */
function unwrapDefault(m: unknown): DiffSequences {
  let v = m;
  for (let i = 0; i < 3 && typeof v !== "function"; i++) v = (v as { default?: unknown } | null)?.default;
  if (typeof v !== "function") throw new Error("@jest/diff-sequences: no diff function in the module");
  return v as DiffSequences;
}
const diffSequences = unwrapDefault(diffSequencesModule);

/** One line of a hunk: context (" "), removed ("-") or added ("+"). */
export interface DiffLine {
  kind: " " | "-" | "+";
  /** The line without its "\n" (a "\r" of a CRLF file stays: diff(1) shows it too). */
  text: string;
  /** The file's last line, with no newline after it ("\ No newline at end of file"). */
  noNewline?: true;
}

/** One `@@ -oldStart,oldLines +newStart,newLines @@` hunk. Starts are 1-based; 0 lines → the line before. */
export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

/** The hunks between two texts; none when they are equal. */
export interface StructuredDiff {
  hunks: DiffHunk[];
}

/** Options of `unifiedDiff`. */
export interface DiffOptions {
  /** Header names; default "a/Corefile" and "b/Corefile", as git prints them. */
  oldName?: string;
  newName?: string;
  /** Unchanged lines around each change (default 3, like diff -u). */
  context?: number;
}

interface SourceLine {
  text: string;
  eol: boolean;
}

/** "a\nb\n" → a, b (both ending in \n); "a\nb" → a, b (b without); "" → nothing. */
export function splitLines(text: string): SourceLine[] {
  if (text === "") return [];
  const parts = text.split("\n");
  const last = parts.pop() ?? "";
  const lines = parts.map((t) => ({ text: t, eol: true }));
  if (last !== "") lines.push({ text: last, eol: false });
  return lines;
}

/** A line's identity for comparison: "b" and "b" without a final newline are different lines. */
function keyOf(l: SourceLine): string {
  return l.eol ? `${l.text}\n` : l.text;
}

function toDiffLine(kind: DiffLine["kind"], l: SourceLine): DiffLine {
  return l.eol ? { kind, text: l.text } : { kind, text: l.text, noNewline: true };
}

/** Every line of both texts in diff order: the whole file, as one long hunk without trimming. */
export function diffLines(oldText: string, newText: string): DiffLine[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  // Compare small integers, not strings, inside the O(ND) loop.
  const ids = new Map<string, number>();
  const id = (l: SourceLine) => {
    const k = keyOf(l);
    let v = ids.get(k);
    if (v === undefined) ids.set(k, (v = ids.size));
    return v;
  };
  const steps = shortestEditScript(a.map(id), b.map(id));
  return steps.map((s) => {
    if (s.kind === "insert") return toDiffLine("+", b[s.b] as SourceLine);
    return toDiffLine(s.kind === "equal" ? " " : "-", a[s.a] as SourceLine);
  });
}

/** One step of an edit script over two sequences: keep a[i] (= b[j]), delete a[i], or insert b[j]. */
export type EditStep =
  { kind: "equal"; a: number; b: number } | { kind: "delete"; a: number } | { kind: "insert"; b: number };

/**
 * A shortest edit script turning `a` into `b` (elements compared with ===), from Jest's linear-space
 * Myers implementation (`@jest/diff-sequences`, "An O(ND) Difference Algorithm and Its Variations"
 * §4b): linear space matters because a raw Corefile edit may replace the whole text. Within each run
 * of changes, deletions come before insertions, as diff(1) and git print them.
 */
export function shortestEditScript<T>(a: readonly T[], b: readonly T[]): EditStep[] {
  const steps: EditStep[] = [];
  let i = 0;
  let j = 0;
  const changesUpTo = (ai: number, bj: number) => {
    for (; i < ai; i++) steps.push({ kind: "delete", a: i });
    for (; j < bj; j++) steps.push({ kind: "insert", b: j });
  };
  diffSequences(
    a.length,
    b.length,
    (ai, bj) => a[ai] === b[bj],
    (n, ai, bj) => {
      changesUpTo(ai, bj);
      for (let k = 0; k < n; k++) steps.push({ kind: "equal", a: i++, b: j++ });
    },
  );
  changesUpTo(a.length, b.length);
  return steps;
}

/** The hunks of a diff with `context` lines around changes; changes closer than 2×context share a hunk. */
export function structuredDiff(oldText: string, newText: string, context = 3): StructuredDiff {
  if (!Number.isInteger(context) || context < 0) {
    throw new RangeError(`diff context must be a whole number ≥ 0, got ${context}`);
  }
  const all = diffLines(oldText, newText);
  const changed = all.flatMap((l, i) => (l.kind === " " ? [] : [i]));
  const hunks: DiffHunk[] = [];
  let i = 0;
  while (i < changed.length) {
    const first = changed[i] as number;
    let last = first;
    while (i + 1 < changed.length && (changed[i + 1] as number) - last - 1 <= 2 * context) {
      last = changed[++i] as number;
    }
    i++;
    const from = Math.max(0, first - context);
    const to = Math.min(all.length, last + 1 + context);
    hunks.push(hunkOf(all, from, to));
  }
  return { hunks };
}

function hunkOf(all: DiffLine[], from: number, to: number): DiffHunk {
  let oldBefore = 0;
  let newBefore = 0;
  for (let j = 0; j < from; j++) {
    const k = all[j]?.kind;
    if (k !== "+") oldBefore++;
    if (k !== "-") newBefore++;
  }
  const lines = all.slice(from, to);
  const oldLines = lines.filter((l) => l.kind !== "+").length;
  const newLines = lines.filter((l) => l.kind !== "-").length;
  return {
    // diff(1): an empty range starts at the line before it.
    oldStart: oldLines === 0 ? oldBefore : oldBefore + 1,
    oldLines,
    newStart: newLines === 0 ? newBefore : newBefore + 1,
    newLines,
    lines,
  };
}

/** "-3,2", or "-3" for one line, as diff(1) writes a range. */
function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}

/** The unified diff text of hunks; "" when there are none (diff prints nothing for equal files). */
export function formatUnifiedDiff(
  diff: StructuredDiff,
  oldName = "a/Corefile",
  newName = "b/Corefile",
): string {
  if (diff.hunks.length === 0) return "";
  const out = [`--- ${oldName}\n`, `+++ ${newName}\n`];
  for (const h of diff.hunks) {
    out.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@\n`);
    for (const l of h.lines) {
      out.push(`${l.kind}${l.text}\n`);
      if (l.noNewline) out.push("\\ No newline at end of file\n");
    }
  }
  return out.join("");
}

/** `diff -u` of two Corefiles: "" when equal, otherwise headers and hunks. */
export function unifiedDiff(oldText: string, newText: string, opts: DiffOptions = {}): string {
  return formatUnifiedDiff(structuredDiff(oldText, newText, opts.context ?? 3), opts.oldName, opts.newName);
}

/** The hunks do not fit the text they are applied to (it changed since the diff was made). */
export class PatchConflictError extends Error {
  override readonly name = "PatchConflictError";
  constructor(
    message: string,
    /** 0-based index of the hunk that did not fit. */
    readonly hunkIndex: number,
  ) {
    super(message);
  }
}

/**
 * Applies hunks to `text` strictly: every context and removed line must be where the hunk says.
 * Gives back the new text, or throws PatchConflictError naming the hunk and line that differ.
 */
export function applyHunks(text: string, hunks: readonly DiffHunk[]): string {
  const src = splitLines(text);
  const out: SourceLine[] = [];
  let next = 0; // index into src of the first line not yet copied
  hunks.forEach((h, hi) => {
    const start = h.oldLines === 0 ? h.oldStart : h.oldStart - 1;
    if (start < next || start > src.length) {
      throw new PatchConflictError(`hunk ${hi + 1} starts at line ${h.oldStart}, outside the text`, hi);
    }
    out.push(...src.slice(next, start));
    next = start;
    for (const l of h.lines) {
      const line = { text: l.text, eol: !l.noNewline };
      if (l.kind === "+") {
        out.push(line);
        continue;
      }
      const have = src[next];
      if (!have || keyOf(have) !== keyOf(line)) {
        throw new PatchConflictError(
          `hunk ${hi + 1} does not fit: line ${next + 1} is ${have ? JSON.stringify(have.text) : "missing"}, ` +
            `the diff expects ${JSON.stringify(l.text)}`,
          hi,
        );
      }
      if (l.kind === " ") out.push(have);
      next++;
    }
  });
  out.push(...src.slice(next));
  return out.map((l) => (l.eol ? `${l.text}\n` : l.text)).join("");
}
