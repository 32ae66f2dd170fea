import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeCorefile, parseCorefile } from "@/lib/corefile";
import { DashboardError } from "@/lib/errors";
import {
  applyEdits,
  blocksApply,
  ConfigEditError,
  proposeCorefile,
  resolveBlocks,
} from "@/lib/config/propose";
import { FIXTURES_DIR as FIXTURES } from "../support/fixtures";

const TEMPLATE = readFileSync(`${FIXTURES}/Corefile-nodelocaldns-configmap-template.txt`, "utf8");
const RENDERED = readFileSync(`${FIXTURES}/Corefile-nodelocaldns-rendered-by-node-cache-1.22.28.txt`, "utf8");

/** A cluster's Corefile after the operator's sed: the template with placeholders filled in. */
const CLUSTER = TEMPLATE.replaceAll("__PILLAR__DNS__DOMAIN__", "cluster.local")
  .replaceAll("__PILLAR__LOCAL__DNS__", "169.254.20.10")
  .replaceAll("__PILLAR__DNS__SERVER__", "10.96.0.10");

/** Lines of `after` not in `before` and vice versa, as multisets. */
function lineDelta(before: string, after: string): { removed: string[]; added: string[] } {
  const count = (t: string) => {
    const m = new Map<string, number>();
    for (const l of t.split("\n")) m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const a = count(before);
  const b = count(after);
  const removed: string[] = [];
  const added: string[] = [];
  for (const [l, n] of a) for (let i = 0; i < n - (b.get(l) ?? 0); i++) removed.push(l);
  for (const [l, n] of b) for (let i = 0; i < n - (a.get(l) ?? 0); i++) added.push(l);
  return { removed, added };
}

function editError(fn: () => unknown): ConfigEditError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigEditError);
    expect(e).toBeInstanceOf(DashboardError);
    expect((e as ConfigEditError).status).toBe(422);
    return e as ConfigEditError;
  }
  throw new Error("expected a ConfigEditError");
}

describe("resolveBlocks", () => {
  const doc = parseCorefile(CLUSTER);
  it("finds a block by a key as written, by all its keys, or by the listener CoreDNS reads", () => {
    expect(resolveBlocks(doc, "cluster.local:53")).toEqual([0]);
    expect(resolveBlocks(doc, ".:53")).toEqual([3]);
    expect(resolveBlocks(doc, "*")).toEqual([0, 1, 2, 3]);
    expect(resolveBlocks(doc, "cluster.local")).toEqual([0]);
    expect(resolveBlocks(doc, "dns://Cluster.Local.:53")).toEqual([0]);
    expect(resolveBlocks(doc, "cluster.local:5353")).toEqual([]);
  });

  it("matches a multi-key block by either key or both, and every block sharing a key", () => {
    const multi = parseCorefile(
      "in-addr.arpa:53 ip6.arpa:53 {\n    errors\n}\n.:53 {\n    bind 10.0.0.1\n}\n.:53 {\n    bind 10.0.0.2\n}\n",
    );
    expect(resolveBlocks(multi, "ip6.arpa:53")).toEqual([0]);
    expect(resolveBlocks(multi, "in-addr.arpa:53 ip6.arpa:53")).toEqual([0]);
    expect(resolveBlocks(multi, ".:53")).toEqual([1, 2]);
  });

  it("uses keys with placeholders as written", () => {
    expect(resolveBlocks(parseCorefile(TEMPLATE), "__PILLAR__DNS__DOMAIN__:53")).toEqual([0]);
  });
});

describe("applyEdits", () => {
  it("turns log on for one block: one line added, nothing else touched, no problems", () => {
    const r = applyEdits(CLUSTER, [{ op: "setLog", block: "cluster.local:53", on: true }]);
    expect(lineDelta(CLUSTER, r.text)).toEqual({ removed: [], added: ["    log"] });
    expect(r.text.split("\n")[1]).toBe("    log");
    expect(r.problems).toEqual([]);
  });

  it("turns log on for every block with '*', and off again back to the original bytes", () => {
    const on = applyEdits(CLUSTER, [{ op: "setLog", block: "*", on: true }]);
    expect(describeCorefile(parseCorefile(on.text)).map((b) => b.log)).toEqual([true, true, true, true]);
    expect(applyEdits(on.text, [{ op: "setLog", block: "*", on: false }]).text).toBe(CLUSTER);
  });

  it("changes cache capacity and TTLs in place", () => {
    const r = applyEdits(CLUSTER, [
      { op: "setCache", block: "cluster.local:53", tier: "success", capacity: 5000 },
      { op: "setCache", block: "cluster.local:53", tier: "denial", maxTtl: 10, minTtl: 1 },
      { op: "setCacheTtl", block: ".:53", ttl: 60 },
    ]);
    expect(lineDelta(CLUSTER, r.text)).toEqual({
      removed: ["            success 9984 30", "            denial 9984 5", "    cache 30"],
      added: ["            success 5000 30", "            denial 9984 10 1", "    cache 60"],
    });
    const blocks = describeCorefile(parseCorefile(r.text));
    expect(blocks[0]?.cache?.success).toEqual({ capacity: 5000, maxTtl: 30, minTtl: 5 });
    expect(blocks[0]?.cache?.denial).toEqual({ capacity: 9984, maxTtl: 10, minTtl: 1 });
    expect(blocks[3]?.cache?.success.maxTtl).toBe(60);
    expect(r.problems).toEqual([]);
  });

  it("applies edits in order, each on the result of the one before", () => {
    const r = applyEdits(CLUSTER, [
      { op: "setCache", block: "in-addr.arpa:53", tier: "success", capacity: 2048 },
      { op: "setCache", block: "in-addr.arpa:53", tier: "success", capacity: 4096 },
    ]);
    expect(describeCorefile(parseCorefile(r.text))[1]?.cache?.success.capacity).toBe(4096);
  });

  it("keeps placeholders and the rendered file's layout", () => {
    const t = applyEdits(TEMPLATE, [{ op: "setLog", block: "__PILLAR__DNS__DOMAIN__:53", on: true }]);
    expect(lineDelta(TEMPLATE, t.text)).toEqual({ removed: [], added: ["    log"] });
    const r = applyEdits(RENDERED, [{ op: "setCacheTtl", block: "ip6.arpa:53", ttl: 15 }]);
    expect(lineDelta(RENDERED, r.text).added).toEqual(["    cache 15"]);
  });

  it("returns no change for edits that are already true", () => {
    expect(applyEdits(CLUSTER, [{ op: "setLog", block: "*", on: false }]).text).toBe(CLUSTER);
  });

  it("names the edit and lists the blocks when a block does not exist", () => {
    const e = editError(() =>
      applyEdits(CLUSTER, [
        { op: "setLog", block: "*", on: true },
        { op: "setCacheTtl", block: "cluster.local:5353", ttl: 5 },
      ]),
    );
    expect(e.message).toBe(
      'edits[1] (setCacheTtl on "cluster.local:5353"): there is no server block "cluster.local:5353"; ' +
        'the Corefile has "cluster.local:53", "in-addr.arpa:53", "ip6.arpa:53", ".:53" (or use "*" for all of them)',
    );
    expect(e.editIndex).toBe(1);
    expect(e.details).toEqual({ editIndex: 1 });
  });

  it("wraps lib/corefile's refusal with the edit and block it concerns", () => {
    const text = "example.org:53 { errors\n}\n";
    const oneLine = "example.org:53 {\n    log errors\n    cache 30 { success 100 }\n}\n";
    expect(
      editError(() => applyEdits(text, [{ op: "setCacheTtl", block: "example.org:53", ttl: 5 }])).message,
    ).toMatch(/^edits\[0\] \(setCacheTtl on "example.org:53"\) in block "example.org:53": cannot add a line/);
    expect(
      editError(() =>
        applyEdits(oneLine, [{ op: "setCache", block: "example.org", tier: "denial", capacity: 5 }]),
      ).message,
    ).toMatch(
      /^edits\[0\] \(setCache on "example.org"\) in block "example.org:53": cannot turn 'cache' on line 3/,
    );
  });

  it("refuses to edit a Corefile that does not parse, and says to fix it with a raw edit", () => {
    const e = editError(() => applyEdits(".:53 {\n    errors\n", [{ op: "setLog", block: "*", on: true }]));
    expect(e.message).toMatch(
      /^the current Corefile does not parse \(Corefile:\d+ - .*\): fix it with a raw Corefile edit first$/,
    );
    expect(e.editIndex).toBeNull();
  });

  it("still edits a Corefile with an unknown directive, and reports it as CoreDNS would", () => {
    const text = ".:53 {\n    errors\n    cahce 30\n}\n";
    const r = applyEdits(text, [{ op: "setLog", block: ".:53", on: true }]);
    expect(r.text).toBe(".:53 {\n    log\n    errors\n    cahce 30\n}\n");
    expect(r.problems).toEqual([
      {
        line: 4,
        message: "Corefile:4 - Error during parsing: Unknown directive 'cahce'",
        block: ".:53",
        kind: "parse",
      },
    ]);
    expect(blocksApply(r.problems)).toBe(true);
  });

  it("reports CoreDNS's setup errors with line numbers in the given file name", () => {
    const text = ".:53 {\n    cache 30 {\n        success 1000 -5\n    }\n}\n";
    const r = applyEdits(text, [{ op: "setLog", block: ".:53", on: true }], { filename: "/etc/Corefile" });
    expect(r.problems[0]).toMatchObject({
      line: 4,
      message: expect.stringContaining("cache TTL can not be zero or negative: -5"),
      kind: "setup",
    });
  });
});

describe("proposeCorefile", () => {
  it("applies edits, or checks a raw text as sent", () => {
    expect(proposeCorefile(CLUSTER, { edits: [{ op: "setLog", block: ".:53", on: true }] }).problems).toEqual(
      [],
    );
    const raw = proposeCorefile(CLUSTER, { corefile: ".:53 {\n    errors\n" });
    expect(raw.text).toBe(".:53 {\n    errors\n");
    expect(raw.problems).toHaveLength(1);
    expect(raw.problems[0]?.kind).toBe("parse");
    expect(blocksApply(raw.problems)).toBe(true);
  });

  it("does not count advice as a reason to refuse", () => {
    expect(blocksApply([{ line: 3, message: "health is process-wide", kind: "advice" }])).toBe(false);
    expect(blocksApply([])).toBe(false);
  });
});
