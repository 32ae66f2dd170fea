import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeCorefile, parseCorefile, tiersWithOwnTtl, type CorefileServerBlock } from "@/lib/corefile";
import { applyEdits } from "@/lib/config/propose";
import { diffLines } from "@/lib/config/diff";
import type { Edit } from "@/lib/config/intents";

const FIXTURES = "/work/shared/fixtures/coredns";
const TEMPLATE = readFileSync(`${FIXTURES}/Corefile-nodelocaldns-configmap-template.txt`, "utf8");
const CLUSTER = TEMPLATE.replaceAll("__PILLAR__DNS__DOMAIN__", "cluster.local")
  .replaceAll("__PILLAR__LOCAL__DNS__", "169.254.20.10")
  .replaceAll("__PILLAR__DNS__SERVER__", "10.96.0.10")
  .replaceAll("__PILLAR__CLUSTER__DNS__", "10.96.0.11")
  .replaceAll("__PILLAR__UPSTREAM__SERVERS__", "/etc/resolv.conf");
const RENDERED = readFileSync(`${FIXTURES}/Corefile-nodelocaldns-rendered-by-node-cache-1.22.28.txt`, "utf8");
const WITH_LOG = readFileSync(`${FIXTURES}/Corefile-nodelocaldns-base-with-log-plugin.txt`, "utf8");

const KEYS = ["cluster.local:53", "in-addr.arpa:53", "ip6.arpa:53", ".:53"];
const ttl = fc.integer({ min: 1, max: 86_400 });
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant("setLog" as const), block: fc.constantFrom(...KEYS, "*"), on: fc.boolean() }),
  fc.record({ op: fc.constant("setCacheTtl" as const), block: fc.constantFrom(...KEYS), ttl }),
  fc
    .record(
      {
        op: fc.constant("setCache" as const),
        block: fc.constantFrom(...KEYS),
        tier: fc.constantFrom("success" as const, "denial" as const),
        capacity: fc.integer({ min: 1, max: 1_000_000 }),
        maxTtl: ttl,
        minTtl: fc.integer({ min: 0, max: 30 }),
      },
      { requiredKeys: ["op", "block", "tier"] },
    )
    .filter((e) => e.capacity !== undefined || e.maxTtl !== undefined || e.minTtl !== undefined),
);

const withoutLine = ({ line: _line, ...rest }: CorefileServerBlock) => rest;

function check(start: string, edits: Edit[]): void {
  let text = start;
  for (const edit of edits) {
    const doc = parseCorefile(text);
    const before = describeCorefile(doc);
    if (edit.op === "setCacheTtl") {
      const cache = doc.blocks[KEYS.indexOf(edit.block)]?.directives.find((d) => d.name === "cache");
      // Both tiers set their own TTL: `cache TTL` would serve nothing new, so the edit is refused.
      if (tiersWithOwnTtl(cache).length === 2) {
        expect(() => applyEdits(text, [edit])).toThrow(/would change nothing CoreDNS serves/);
        continue;
      }
    }
    const r = applyEdits(text, [edit]);
    // CoreDNS accepts the result (advice, such as a tier keeping its own TTL, is allowed).
    expect(r.problems.filter((p) => p.kind !== "advice")).toEqual([]);
    const after = describeCorefile(parseCorefile(r.text));
    expect(after.map((b) => b.keys)).toEqual(before.map((b) => b.keys));
    const target = edit.block === "*" ? -1 : KEYS.indexOf(edit.block);
    after.forEach((b, i) => {
      if (target !== -1 && i !== target)
        expect(withoutLine(b)).toEqual(withoutLine(before[i] as CorefileServerBlock));
    });
    const changed = target === -1 ? after : [after[target] as CorefileServerBlock];
    for (const b of changed) {
      if (edit.op === "setLog") expect(b.log).toBe(edit.on);
      if (edit.op === "setCache") {
        const tier = b.cache?.[edit.tier];
        if (edit.capacity !== undefined) expect(tier?.capacity).toBe(edit.capacity);
        if (edit.maxTtl !== undefined) expect(tier?.maxTtl).toBe(edit.maxTtl);
        if (edit.minTtl !== undefined) expect(tier?.minTtl).toBe(edit.minTtl);
      }
      if (edit.op === "setCacheTtl") expect(b.cache).not.toBeNull();
    }
    // Line-local: one edit touches at most a few lines per block (a cache turned into block form: 3 + 1).
    const touched = diffLines(text, r.text).filter((l) => l.kind !== " ").length;
    expect(touched).toBeLessThanOrEqual(4 * changed.length);
    text = r.text;
  }
}

describe("applyEdits on the real Corefiles (property)", () => {
  it.each([
    ["the upstream template, substituted", CLUSTER],
    ["node-cache's rendered Corefile", RENDERED],
    ["the base with log", WITH_LOG],
  ])(
    "any sequence of edits on %s stays valid, touches only its block, and does what it says",
    (_name, start) => {
      fc.assert(
        fc.property(fc.array(editArb, { minLength: 1, maxLength: 6 }), (edits) => check(start, edits)),
        { numRuns: 60 },
      );
    },
  );
});
