import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEdits } from "@/lib/config/propose";
import { applyHunks, diffLines, PatchConflictError, structuredDiff, unifiedDiff } from "@/lib/config/diff";
import { shortestEditScript } from "@/lib/config/diff";
import { FIXTURES_DIR as FIXTURES } from "../support/fixtures";

const TEMPLATE = readFileSync(`${FIXTURES}/Corefile-nodelocaldns-configmap-template.txt`, "utf8");

const lines = (...l: string[]) => l.map((s) => `${s}\n`).join("");

/** Length of the longest common subsequence, by the textbook DP: the reference for minimality. */
function lcsLength<T>(a: readonly T[], b: readonly T[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const cur = [0];
    b.forEach((y, j) => cur.push(x === y ? (prev[j] ?? 0) + 1 : Math.max(prev[j + 1] ?? 0, cur[j] ?? 0)));
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

describe("unifiedDiff (outputs checked against GNU diff -u)", () => {
  it("prints nothing for equal texts", () => {
    expect(unifiedDiff(TEMPLATE, TEMPLATE)).toBe("");
    expect(structuredDiff("", "").hunks).toEqual([]);
  });

  it("prints two hunks with 3 lines of context, and the no-newline marker", () => {
    const old = lines("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k");
    const now = lines("a", "B", "c", "d", "e", "f", "g", "h", "i", "j", "k") + "l";
    expect(unifiedDiff(old, now)).toBe(
      [
        "--- a/Corefile",
        "+++ b/Corefile",
        "@@ -1,5 +1,5 @@",
        " a",
        "-b",
        "+B",
        " c",
        " d",
        " e",
        "@@ -9,3 +9,4 @@",
        " i",
        " j",
        " k",
        "+l",
        "\\ No newline at end of file",
        "",
      ].join("\n"),
    );
  });

  it("merges changes at most 2×context lines apart into one hunk", () => {
    const old = lines("1", "2", "3", "4", "5", "6", "7", "8");
    const now = lines("1", "X", "3", "4", "5", "6", "7", "Y");
    expect(structuredDiff(old, now, 3).hunks).toHaveLength(1);
    expect(structuredDiff(old, now, 2).hunks).toHaveLength(2);
    expect(unifiedDiff(old, now, { context: 2 })).toBe(
      "--- a/Corefile\n+++ b/Corefile\n@@ -1,4 +1,4 @@\n 1\n-2\n+X\n 3\n 4\n@@ -6,3 +6,3 @@\n 6\n 7\n-8\n+Y\n",
    );
  });

  it("writes empty ranges as the line before and one-line ranges without a count", () => {
    expect(unifiedDiff("", lines("x", "y"))).toBe(
      "--- a/Corefile\n+++ b/Corefile\n@@ -0,0 +1,2 @@\n+x\n+y\n",
    );
    expect(unifiedDiff(lines("a", "b", "c"), lines("a", "c"), { context: 0 })).toBe(
      "--- a/Corefile\n+++ b/Corefile\n@@ -2 +1,0 @@\n-b\n",
    );
    expect(unifiedDiff(lines("a", "c"), lines("a", "b", "c"), { context: 0 })).toBe(
      "--- a/Corefile\n+++ b/Corefile\n@@ -1,0 +2 @@\n+b\n",
    );
  });

  it("treats a last line that gains a newline as changed", () => {
    expect(unifiedDiff("a\nb", "a\nb\n", { oldName: "Corefile@41", newName: "Corefile@42" })).toBe(
      "--- Corefile@41\n+++ Corefile@42\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
    );
  });

  it("shows a log toggle on the upstream template as one added line", () => {
    const { text } = applyEdits(TEMPLATE, [{ op: "setLog", block: ".:53", on: true }]);
    expect(unifiedDiff(TEMPLATE, text)).toBe(
      [
        "--- a/Corefile",
        "+++ b/Corefile",
        "@@ -36,6 +36,7 @@",
        "     prometheus :9253",
        "     }",
        " .:53 {",
        "+    log",
        "     errors",
        "     cache 30",
        "     reload",
        "",
      ].join("\n"),
    );
  });

  it("puts deletions before insertions within a change", () => {
    const d = structuredDiff(lines("a", "x", "y", "b"), lines("a", "p", "q", "b"));
    expect(d.hunks[0]?.lines.map((l) => l.kind + l.text)).toEqual([" a", "-x", "-y", "+p", "+q", " b"]);
  });

  it("refuses a negative context", () => {
    expect(() => structuredDiff("a", "b", -1)).toThrow(RangeError);
  });
});

describe("applyHunks", () => {
  it("applies a diff to its old text and refuses a text that changed", () => {
    const old = lines("a", "b", "c", "d");
    const now = lines("a", "B", "c", "d", "e");
    const { hunks } = structuredDiff(old, now, 1);
    expect(applyHunks(old, hunks)).toBe(now);
    expect(() => applyHunks(lines("a", "Z", "c", "d"), hunks)).toThrow(PatchConflictError);
    expect(() => applyHunks(lines("a", "Z", "c", "d"), hunks)).toThrow(
      'hunk 1 does not fit: line 2 is "Z", the diff expects "b"',
    );
  });

  it("applies a diff to a text edited elsewhere, far from the hunks", () => {
    const old = lines(..."abcdefghijklmnop".split(""));
    const mine = old.replace("c\n", "C\n");
    const theirs = old.replace("o\n", "O\n");
    expect(applyHunks(theirs, structuredDiff(old, mine, 3).hunks)).toBe(theirs.replace("c\n", "C\n"));
  });
});

const textArb = fc
  .array(fc.constantFrom("a", "b", "c", "", "  log", "x\r"), { maxLength: 14 })
  .chain((ls) => fc.boolean().map((eol) => (ls.length === 0 ? "" : ls.join("\n") + (eol ? "\n" : ""))));

describe("properties", () => {
  it("applying the hunks to the old text gives the new text, for any context", () => {
    fc.assert(
      fc.property(textArb, textArb, fc.integer({ min: 0, max: 4 }), (a, b, context) => {
        expect(applyHunks(a, structuredDiff(a, b, context).hunks)).toBe(b);
      }),
      { numRuns: 400 },
    );
  });

  it("the edit script is minimal: changed lines = n + m − 2·LCS", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 }),
        (a, b) => {
          const steps = shortestEditScript(a, b);
          const changes = steps.filter((s) => s.kind !== "equal").length;
          expect(changes).toBe(a.length + b.length - 2 * lcsLength(a, b));
          // And it is a valid script: equal steps pair equal elements in increasing order.
          const kept = steps.flatMap((s) => (s.kind === "equal" ? [[a[s.a], b[s.b]]] : []));
          for (const [x, y] of kept) expect(x).toBe(y);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("diffLines lists every old line once and every new line once, in order", () => {
    fc.assert(
      fc.property(textArb, textArb, (a, b) => {
        const all = diffLines(a, b);
        const back = (kinds: string) =>
          all
            .filter((l) => kinds.includes(l.kind))
            .map((l) => (l.noNewline ? l.text : `${l.text}\n`))
            .join("");
        expect(back(" -")).toBe(a);
        expect(back(" +")).toBe(b);
      }),
      { numRuns: 300 },
    );
  });

  it("diffs a whole-file replacement of a few thousand lines quickly enough to finish (linear space)", () => {
    const a = Array.from({ length: 3000 }, (_, i) => `old ${i}`).join("\n");
    const b = Array.from({ length: 3000 }, (_, i) => `new ${i}`).join("\n");
    const d = structuredDiff(a, b);
    expect(d.hunks).toHaveLength(1);
    expect(d.hunks[0]?.oldLines).toBe(3000);
    expect(d.hunks[0]?.newLines).toBe(3000);
  });
});
