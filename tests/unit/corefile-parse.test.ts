import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  CorefileError,
  describeCorefile,
  effectiveCapacity,
  parseCorefile,
  printCorefile,
  tokenize,
} from "@/lib/corefile";
import { FIXTURES_DIR, SHARED_DIR } from "../support/fixtures";

const FIXTURES = FIXTURES_DIR;
const SEEDS = path.join(SHARED_DIR, "seeds");
const read = (p: string) => readFileSync(p, "utf8");

/** The ConfigMap's `Corefile` key from the upstream manifest, placeholders and all. */
function manifestCorefile(): string {
  const docs = read(path.join(FIXTURES, "nodelocaldns.yaml"))
    .split(/^---$/m)
    .map((d) => parseYaml(d) as { kind?: string; data?: Record<string, string> } | null);
  const cm = docs.find((d) => d?.kind === "ConfigMap");
  const text = cm?.data?.Corefile;
  if (!text) throw new Error("nodelocaldns.yaml has no ConfigMap with a Corefile key");
  return text;
}

/** The Corefiles quoted in the seed documents (001's code fence, 002's ConfigMap edit and excerpt). */
function seedCorefiles(): { name: string; text: string; excerpt: boolean }[] {
  const s1 = read(path.join(SEEDS, "001_6d9da7c47102b42d.txt"));
  const fence = /```json\n([\s\S]*?)```/.exec(s1)?.[1];
  const s2 = read(path.join(SEEDS, "002_e020ff1a1b960b20.txt")).split("\n");
  const cmStart = s2.findIndex((l) => l === "  Corefile: |") + 1;
  const cmEnd = s2.findIndex((l, i) => i > cmStart && l === "");
  const configMap =
    s2
      .slice(cmStart, cmEnd)
      .map((l) => l.replace(/^ {4}/, ""))
      .join("\n") + "\n";
  const exStart = s2.findIndex((l) => l.startsWith("Before deploying, let's examine")) + 2;
  const exEnd = s2.findIndex((l, i) => i > exStart && l === "");
  const excerpt = s2.slice(exStart, exEnd).join("\n") + "\n";
  if (!fence || cmStart === 0 || exStart === 1) throw new Error("seed layout changed: Corefiles not found");
  return [
    { name: "seed 001 EKS Corefile", text: fence, excerpt: false },
    { name: "seed 002 ConfigMap with log", text: configMap, excerpt: false },
    { name: "seed 002 cache excerpt with '...'", text: excerpt, excerpt: true },
  ];
}

const fixtureFiles = readdirSync(FIXTURES).filter((f) => f.startsWith("Corefile-"));

describe("round trip", () => {
  it.each(fixtureFiles)("prints %s byte for byte", (f) => {
    const text = read(path.join(FIXTURES, f));
    expect(printCorefile(parseCorefile(text))).toBe(text);
  });

  it("prints the manifest's ConfigMap Corefile (with __PILLAR__ placeholders) byte for byte", () => {
    const text = manifestCorefile();
    expect(text).toBe(read(path.join(FIXTURES, "Corefile-nodelocaldns-configmap-template.txt")));
    expect(printCorefile(parseCorefile(text))).toBe(text);
  });

  it.each(seedCorefiles())("prints $name byte for byte", ({ text, excerpt }) => {
    const doc = parseCorefile(text, { checkDirectives: !excerpt });
    expect(printCorefile(doc)).toBe(text);
    expect(doc.blocks.length).toBeGreaterThan(0);
  });

  it("refuses the seed excerpt's '...' the way CoreDNS would", () => {
    const excerpt = seedCorefiles().find((s) => s.excerpt)?.text ?? "";
    expect(() => parseCorefile(excerpt)).toThrow(
      "Corefile:7 - Error during parsing: Unknown directive '...'",
    );
  });

  it("keeps every token's exact source slice", () => {
    for (const f of fixtureFiles) {
      const text = read(path.join(FIXTURES, f));
      for (const t of tokenize(text)) expect(text.slice(t.start, t.end)).toBe(t.raw);
    }
  });
});

describe("describe the upstream template", () => {
  const blocks = describeCorefile(parseCorefile(manifestCorefile()));

  it("has the four blocks in order", () => {
    expect(blocks.map((b) => b.keys)).toEqual([
      ["__PILLAR__DNS__DOMAIN__:53"],
      ["in-addr.arpa:53"],
      ["ip6.arpa:53"],
      [".:53"],
    ]);
    expect(blocks.map((b) => b.zones[0])).toEqual([
      "__pillar__dns__domain__.",
      "in-addr.arpa.",
      "ip6.arpa.",
      ".",
    ]);
    expect(blocks.every((b) => b.port === 53)).toBe(true);
  });

  it("gives the cluster block success 9984/30 and denial 9984/5", () => {
    expect(blocks[0]?.cache).toEqual({
      success: { capacity: 9984, maxTtl: 30, minTtl: 5 },
      denial: { capacity: 9984, maxTtl: 5, minTtl: 5 },
      prefetch: null,
      serveStale: null,
    });
  });

  it("reads `cache 30` as both TTLs 30 with the default capacity 10000 (9984 effective)", () => {
    for (const b of blocks.slice(1)) {
      expect(b.cache?.success).toEqual({ capacity: 10000, maxTtl: 30, minTtl: 5 });
      expect(b.cache?.denial).toEqual({ capacity: 10000, maxTtl: 30, minTtl: 5 });
      expect(effectiveCapacity(b.cache?.success.capacity ?? 0)).toBe(9984);
    }
  });

  it("forwards cluster and reverse zones over TCP to the cluster DNS, the root to the upstream servers", () => {
    expect(blocks.map((b) => b.forward)).toEqual([
      { from: ".", to: ["__PILLAR__CLUSTER__DNS__"], forceTcp: true, preferUdp: false },
      { from: ".", to: ["__PILLAR__CLUSTER__DNS__"], forceTcp: true, preferUdp: false },
      { from: ".", to: ["__PILLAR__CLUSTER__DNS__"], forceTcp: true, preferUdp: false },
      { from: ".", to: ["__PILLAR__UPSTREAM__SERVERS__"], forceTcp: false, preferUdp: false },
    ]);
  });

  it("binds, serves metrics and health as the manifest says", () => {
    for (const b of blocks) {
      expect(b.bind).toEqual(["__PILLAR__LOCAL__DNS__", "__PILLAR__DNS__SERVER__"]);
      expect(b.prometheus).toBe(":9253");
      expect([b.errors, b.reload, b.loop, b.log]).toEqual([true, true, true, false]);
    }
    expect(blocks.map((b) => b.health)).toEqual(["__PILLAR__LOCAL__DNS__:8080", null, null, null]);
    expect(blocks.map((b) => b.line)).toEqual([1, 16, 27, 38]);
  });

  it("describes the rendered file with real addresses", () => {
    const text = read(path.join(FIXTURES, "Corefile-nodelocaldns-rendered-by-node-cache-1.22.28.txt"));
    const rendered = describeCorefile(parseCorefile(text));
    expect(rendered[0]?.zones).toEqual(["cluster.local."]);
    expect(rendered[0]?.bind).toEqual(["127.0.0.10", "127.0.0.20"]);
    expect(rendered[0]?.health).toBe("127.0.0.10:8080");
    expect(rendered[3]?.forward?.to).toEqual(["/etc/resolv.conf"]);
  });

  it("sees `log` in the blocks that have it", () => {
    const text = read(path.join(FIXTURES, "Corefile-nodelocaldns-base-with-log-plugin.txt"));
    expect(describeCorefile(parseCorefile(text)).map((b) => b.log)).toEqual([true, false, false, true]);
  });
});

describe("effectiveCapacity", () => {
  it.each([
    [10000, 9984],
    [9984, 9984],
    [256, 1024],
    [0, 1024],
    [-5, 1024],
    [1024, 1024],
    [1300, 1280],
    [100000, 99840],
  ])("%i → %i", (cap, eff) => expect(effectiveCapacity(cap)).toBe(eff));
});

describe("grammar details", () => {
  it("keeps comments, IPv6 keys, quoted tokens and {$ENV} as written", () => {
    const text = [
      "# top comment",
      "[::1]:53 dns://example.org:1053 {   # trailing",
      '    log . "{remote} {name}" {',
      "        class denial error",
      "    }",
      "    forward . {$UPSTREAM}",
      "}",
      "",
    ].join("\n");
    const doc = parseCorefile(text);
    expect(printCorefile(doc)).toBe(text);
    const [block] = doc.blocks;
    expect(block?.keys).toEqual(["[::1]:53", "dns://example.org:1053"]);
    expect(describeCorefile(doc)[0]?.zones).toEqual(["::1.", "example.org."]);
    expect(block?.directives.map((d) => [d.name, d.args, d.line, d.endLine])).toEqual([
      ["log", [".", "{remote} {name}"], 3, 5],
      ["forward", [".", "{$UPSTREAM}"], 6, 6],
    ]);
    expect(block?.directives[0]?.block?.map((d) => [d.name, d.args])).toEqual([
      ["class", ["denial", "error"]],
    ]);
  });

  it("continues keys after a trailing comma onto the next line", () => {
    const doc = parseCorefile("a.org,\nb.org {\n  errors\n}\n");
    expect(doc.blocks[0]?.keys).toEqual(["a.org", "b.org"]);
  });

  it("treats `#` inside a word as the start of a comment", () => {
    const doc = parseCorefile(". {\n  cache 30#comment\n}\n");
    expect(doc.blocks[0]?.directives[0]?.args).toEqual(["30"]);
  });

  it("reads a file without braces as one block (Caddy v1 form)", () => {
    const doc = parseCorefile(".:53\nerrors\ncache 30\n");
    expect(doc.blocks[0]?.directives.map((d) => d.name)).toEqual(["errors", "cache"]);
    expect(doc.blocks[0]?.openBrace).toBeNull();
  });

  it.each([
    [". {\n  errors\n  cache 30\n", "Corefile:3 - Syntax error: Unexpected token '30', expecting '}'"],
    [". {\n  forward . 1.2.3.4 {\n    force_tcp\n", "Corefile:3 - Error during parsing: Unexpected EOF"],
    [
      ". {\n  errors }\n}\n",
      "Corefile:2 - Error during parsing: Unexpected '}' because no matching opening brace",
    ],
    [". {\n  {\n  }\n}\n", "Corefile:2 - Error during parsing: Unknown directive '{'"],
    [". {\n  cahce 30\n}\n", "Corefile:2 - Error during parsing: Unknown directive 'cahce'"],
    [
      "a.org, {\n}\n",
      "Corefile:1 - Error during parsing: Expected another address but had '{' - check for extra comma",
    ],
  ])("rejects %j like CoreDNS", (text, message) => {
    let caught: unknown;
    try {
      parseCorefile(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CorefileError);
    expect((caught as CorefileError).message).toBe(message);
    expect((caught as CorefileError).line).toBe(Number(/:(\d+) -/.exec(message)?.[1]));
  });

  it("accepts a missing final brace when the last token is a nested block's '}' (as caddy does)", () => {
    expect(() => parseCorefile(". {\n  forward . 1.2.3.4 {\n    force_tcp\n  }\n")).not.toThrow();
  });

  it("lets a '{' on the next line join the directive's tokens (the plugin then rejects it, see validation)", () => {
    const doc = parseCorefile(". {\n  cache 30\n  {\n    success 5000\n  }\n}\n");
    const cache = doc.blocks[0]?.directives[0];
    expect(cache?.tokens.map((t) => t.text)).toEqual(["cache", "30", "{", "success", "5000", "}"]);
    expect(cache?.endLine).toBe(5);
  });

  it("uses the filename it is given, like CoreDNS's -conf path", () => {
    expect(() => parseCorefile(". {\n  bogus\n}\n", { filename: "/etc/Corefile" })).toThrow(
      "/etc/Corefile:2 - Error during parsing: Unknown directive 'bogus'",
    );
  });

  it("knows `view` only from CoreDNS 1.10.0", () => {
    const text = ". {\n  view internal {\n    expr true\n  }\n}\n";
    expect(() => parseCorefile(text, { corednsVersion: "1.7.0" })).toThrow("Unknown directive 'view'");
    expect(() => parseCorefile(text, { corednsVersion: "1.10.0" })).not.toThrow();
  });
});
