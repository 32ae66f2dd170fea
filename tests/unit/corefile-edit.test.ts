import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CorefileEditError,
  describeCorefile,
  parseCorefile,
  printCorefile,
  setCacheTier,
  setCacheTtl,
  setLog,
  validateCorefile,
  type CorefileDocument,
} from "@/lib/corefile";
import { FIXTURES_DIR } from "../support/fixtures";

const FIXTURES = FIXTURES_DIR;
const TEMPLATE = readFileSync(`${FIXTURES}/Corefile-nodelocaldns-configmap-template.txt`, "utf8");

/**
 * The lines that differ between two texts, as a unified diff would group them: the common prefix
 * and suffix are dropped and what is left on each side is returned.
 */
function changedLines(before: string, after: string): { removed: string[]; added: string[]; at: number } {
  const a = before.split("\n");
  const b = after.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  return { removed: a.slice(head, a.length - tail), added: b.slice(head, b.length - tail), at: head + 1 };
}

const template = () => parseCorefile(TEMPLATE);

describe("setLog", () => {
  it("adds `log` as the block's first directive, in the block's indentation", () => {
    const doc = setLog(template(), 3, true);
    expect(changedLines(TEMPLATE, doc.source)).toEqual({ removed: [], added: ["    log"], at: 39 });
    expect(describeCorefile(doc).map((b) => b.log)).toEqual([false, false, false, true]);
  });

  it("removes the log lines of the base-with-log fixture and nothing else", () => {
    const text = readFileSync(`${FIXTURES}/Corefile-nodelocaldns-base-with-log-plugin.txt`, "utf8");
    let doc = parseCorefile(text);
    doc = setLog(setLog(doc, 0, false), 3, false);
    expect(doc.source.split("\n")).toEqual(text.split("\n").filter((l) => l !== "    log"));
    expect(describeCorefile(doc).every((b) => !b.log)).toBe(true);
  });

  it("removes a log line that carries a comment (seed 002 style) and nothing else", () => {
    const text = "cluster.local:53 {\n    log                    # <-- Add this line\n    errors\n}\n";
    expect(setLog(parseCorefile(text), 0, false).source).toBe("cluster.local:53 {\n    errors\n}\n");
  });

  it("is a no-op when already in the wanted state", () => {
    const doc = template();
    expect(setLog(doc, 0, false)).toBe(doc);
    const on = setLog(doc, 0, true);
    expect(setLog(on, 0, true)).toBe(on);
  });

  it("refuses a log sharing its line, and a block that does not exist", () => {
    expect(() => setLog(parseCorefile(".:53 { log\n}\n"), 0, false)).toThrow(CorefileEditError);
    expect(() => setLog(template(), 7, true)).toThrow(
      "server block 7 does not exist: the Corefile has 4 (0-based)",
    );
  });

  it("keeps CRLF line endings", () => {
    const text = ".:53 {\r\n    errors\r\n}\r\n";
    expect(setLog(parseCorefile(text), 0, true).source).toBe(".:53 {\r\n    log\r\n    errors\r\n}\r\n");
  });
});

describe("setCacheTtl", () => {
  it("rewrites only the TTL token of `cache 30`", () => {
    const doc = setCacheTtl(template(), 1, 60);
    expect(changedLines(TEMPLATE, doc.source)).toEqual({
      removed: ["    cache 30"],
      added: ["    cache 60"],
      at: 18,
    });
    expect(describeCorefile(doc)[1]?.cache?.denial.maxTtl).toBe(60);
  });

  it("refuses `cache TTL` when both tiers set their own TTL (cacheParse reads the tier lines last: they win)", () => {
    // The template's cluster.local block: success 9984 30, denial 9984 5. `cache 45 {` would serve the same.
    expect(() => setCacheTtl(template(), 0, 45)).toThrow(
      /cache TTL 45 would change nothing CoreDNS serves: both tiers set their own TTL \(success 30s on line 4, denial 5s on line 5\)/,
    );
  });

  it("adds a TTL to the block form `cache {` when one tier has no TTL of its own, and says which tier keeps its own", () => {
    const text = ".:53 {\n    cache {\n        success 9984 30\n        denial 9984\n    }\n}\n";
    const doc = setCacheTtl(parseCorefile(text), 0, 45);
    expect(changedLines(text, doc.source)).toEqual({
      removed: ["    cache {"],
      added: ["    cache 45 {"],
      at: 2,
    });
    expect(describeCorefile(doc)[0]?.cache?.denial.maxTtl).toBe(45);
    expect(describeCorefile(doc)[0]?.cache?.success.maxTtl).toBe(30);
    expect(
      validateCorefile(doc)
        .filter((p) => p.kind === "advice")
        .map((p) => p.message),
    ).toEqual(["cache 45 applies to denial only: success 30s on line 3 sets its own TTL, which wins"]);
  });

  it("adds `cache TTL` after errors when the block has none", () => {
    const text = ".:53 {\n  errors\n  forward . 1.1.1.1\n}\n";
    expect(setCacheTtl(parseCorefile(text), 0, 30).source).toBe(
      ".:53 {\n  errors\n  cache 30\n  forward . 1.1.1.1\n}\n",
    );
  });

  it.each([0, -5, 1.5])("refuses TTL %d", (ttl) => {
    expect(() => setCacheTtl(template(), 1, ttl)).toThrow(CorefileEditError);
  });
});

describe("setCacheTier", () => {
  it("rewrites the existing success line only", () => {
    const doc = setCacheTier(template(), 0, "success", { capacity: 20000, maxTtl: 60 });
    expect(changedLines(TEMPLATE, doc.source)).toEqual({
      removed: ["            success 9984 30"],
      added: ["            success 20000 60"],
      at: 4,
    });
  });

  it("writes the current max TTL when only the min TTL changes", () => {
    const doc = setCacheTier(template(), 0, "denial", { minTtl: 0 });
    expect(changedLines(TEMPLATE, doc.source).added).toEqual(["            denial 9984 5 0"]);
  });

  it("turns `cache 30` into block form in the file's indentation, keeping TTL 30 in force", () => {
    const doc = setCacheTier(template(), 3, "success", { capacity: 20000 });
    expect(changedLines(TEMPLATE, doc.source)).toEqual({
      removed: ["    cache 30"],
      added: ["    cache 30 {", "            success 20000", "    }"],
      at: 40,
    });
    expect(describeCorefile(doc)[3]?.cache?.success).toEqual({ capacity: 20000, maxTtl: 30, minTtl: 5 });
    expect(validateCorefile(doc)).toEqual([]);
  });

  it("adds a missing tier line inside an existing cache block", () => {
    const text = ".:53 {\n  cache 30 {\n    success 5000\n  }\n}\n";
    const doc = setCacheTier(parseCorefile(text), 0, "denial", { capacity: 2000, maxTtl: 5 });
    expect(doc.source).toBe(".:53 {\n  cache 30 {\n    success 5000\n    denial 2000 5\n  }\n}\n");
  });

  it("adds a cache block where there is none", () => {
    const text = ".:53 {\n  errors\n}\n";
    const doc = setCacheTier(parseCorefile(text), 0, "denial", { maxTtl: 5 });
    expect(doc.source).toBe(".:53 {\n  errors\n  cache {\n    denial 10000 5\n  }\n}\n");
  });

  it.each([{ capacity: -1 }, { maxTtl: 0 }, { minTtl: -1 }, { capacity: 1.5 }])("refuses %j", (change) => {
    expect(() => setCacheTier(template(), 0, "success", change)).toThrow(CorefileEditError);
  });

  it("writes capacity 0, as CoreDNS accepts `success 0` (plugin/pkg/cache New: every shard gets at least 4 entries, 1024 in all)", () => {
    const doc = setCacheTier(template(), 0, "success", { capacity: 0 });
    expect(changedLines(TEMPLATE, doc.source)).toEqual({
      removed: ["            success 9984 30"],
      added: ["            success 0 30"],
      at: 4,
    });
    expect(validateCorefile(doc).filter((p) => p.kind !== "advice")).toEqual([]);
  });
});

// --- properties ------------------------------------------------------------------------------

const ws = fc.constantFrom(" ", "  ", "\t", "    ");
const nl = fc.constantFrom("\n", "\n\n", "\r\n", "  # note\n", "\n# comment line\n");
const directive = fc.oneof(
  fc.constant("errors"),
  fc.integer({ min: 1, max: 3600 }).map((n) => `cache ${n}`),
  fc.constant("reload"),
  fc.constant("loop"),
  fc.constant("bind 127.0.0.10 __PILLAR__DNS__SERVER__"),
  fc.constant("prometheus :9253"),
  fc.constant('log . "{remote} {name}"'),
);

/** A random-whitespace Corefile of 1–3 blocks (zones distinct, so it is valid). */
const corefileText = fc
  .array(fc.tuple(ws, fc.array(fc.tuple(ws, directive, nl), { minLength: 1, maxLength: 5 }), nl), {
    minLength: 1,
    maxLength: 3,
  })
  .map((blocks) =>
    blocks
      .map(
        ([indent, dirs, end], i) =>
          `${["cluster.local", "in-addr.arpa", "."][i]}:53${indent}{\n` +
          dirs.map(([w, d, n]) => `${w}${d}${n}`).join("") +
          `}${end}`,
      )
      .join(""),
  );

const parse = (t: string): CorefileDocument => parseCorefile(t);

describe("properties", () => {
  it("printing an unedited document is the identity", () => {
    fc.assert(fc.property(corefileText, (t) => printCorefile(parse(t)) === t));
  });

  it("setLog on then off restores a block without log", () => {
    fc.assert(
      fc.property(corefileText, fc.nat(), (t, n) => {
        const doc = parse(t);
        const i = n % doc.blocks.length;
        if (doc.blocks[i]?.directives.some((d) => d.name === "log")) return true;
        return setLog(setLog(doc, i, true), i, false).source === t;
      }),
    );
  });

  it("setLog adds exactly one line and changes no other", () => {
    fc.assert(
      fc.property(corefileText, fc.nat(), (t, n) => {
        const doc = parse(t);
        const i = n % doc.blocks.length;
        if (doc.blocks[i]?.directives.some((d) => d.name === "log")) return true;
        const diff = changedLines(t, setLog(doc, i, true).source);
        return diff.removed.length === 0 && diff.added.length === 1 && diff.added[0]?.trim() === "log";
      }),
    );
  });

  it("setCacheTtl changes at most one line and the block then reports that TTL", () => {
    fc.assert(
      fc.property(corefileText, fc.nat(), fc.integer({ min: 1, max: 86400 }), (t, n, ttl) => {
        const doc = parse(t);
        const i = n % doc.blocks.length;
        const edited = setCacheTtl(doc, i, ttl);
        const diff = changedLines(t, edited.source);
        const described = describeCorefile(edited)[i]?.cache;
        return diff.added.length === 1 && diff.removed.length <= 1 && described?.success.maxTtl === ttl;
      }),
    );
  });
});
