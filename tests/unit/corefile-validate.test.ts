import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkCorefile, parseCorefile, validateCorefile, type CorefileProblem } from "@/lib/corefile";
import { FIXTURES_DIR } from "../support/fixtures";

const FIXTURES = FIXTURES_DIR;

/** Wraps directive lines in a `.:53` block; line 1 is the key, so the first directive is line 2. */
const inBlock = (...lines: string[]) => [".:53 {", ...lines.map((l) => `    ${l}`), "}", ""].join("\n");

function problems(text: string, corednsVersion = "1.10.0"): Pick<CorefileProblem, "line" | "message">[] {
  return validateCorefile(parseCorefile(text, { checkDirectives: false }), { corednsVersion }).map((p) => ({
    line: p.line,
    message: p.message,
  }));
}

const argErr = (line: number, tok: string) =>
  `Corefile:${line} - Error during parsing: Wrong argument count or unexpected line ending after '${tok}'`;

describe("the real Corefiles are valid", () => {
  it.each([
    "Corefile-nodelocaldns-configmap-template.txt",
    "Corefile-nodelocaldns-rendered-by-node-cache-1.22.28.txt",
    "Corefile-nodelocaldns-base-with-log-plugin.txt",
    "Corefile-kubernetes-dns-cmd-node-cache.txt",
    "Corefile-fixture-fake-kube-dns-upstream.txt",
  ])("%s has no problems on 1.7.0, 1.10.0 and 1.11.3", (f) => {
    const text = readFileSync(`${FIXTURES}/${f}`, "utf8");
    for (const v of ["1.7.0", "1.10.0", "1.11.3"]) expect(problems(text, v)).toEqual([]);
  });

  it("rejects the CoreDNS addon Corefile in node-cache: ready and kubernetes are not compiled in", () => {
    const text = readFileSync(`${FIXTURES}/Corefile-kubernetes-coredns-addon.txt`, "utf8");
    expect(problems(text)).toEqual([
      {
        line: 6,
        message: "no action found for directive 'ready' with server type 'dns' (missing a plugin?)",
      },
      {
        line: 7,
        message: "no action found for directive 'kubernetes' with server type 'dns' (missing a plugin?)",
      },
    ]);
  });
});

describe("directive names", () => {
  it.each([
    ["cahce 30", "Corefile:2 - Error during parsing: Unknown directive 'cahce'"],
    ["prometheus_ :9253", "Corefile:2 - Error during parsing: Unknown directive 'prometheus_'"],
    [
      "kubernetes cluster.local",
      "no action found for directive 'kubernetes' with server type 'dns' (missing a plugin?)",
    ],
    ["view internal", "no action found for directive 'view' with server type 'dns' (missing a plugin?)"],
    ["ready", "no action found for directive 'ready' with server type 'dns' (missing a plugin?)"],
    [
      "file db.example.org",
      "no action found for directive 'file' with server type 'dns' (missing a plugin?)",
    ],
  ])("%s → %s", (line, message) => {
    expect(problems(inBlock(line))).toEqual([{ line: 2, message }]);
  });

  it("knows bufsize and dns64 are compiled into node-cache", () => {
    expect(problems(inBlock("bufsize 1232", "dns64"))).toEqual([]);
  });
});

describe("cache", () => {
  it.each<[string[], number, string]>([
    [["cache -5"], 2, "plugin/cache: cache TTL can not be zero or negative: -5"],
    [["cache 0"], 2, "plugin/cache: cache TTL can not be zero or negative: 0"],
    [["cache {", "success 9984 0", "}"], 3, "plugin/cache: cache TTL can not be zero or negative: 0"],
    [["cache {", "denial 9984 5 -1", "}"], 3, "plugin/cache: cache min TTL can not be negative: -1"],
    [["cache {", "success 10k", "}"], 3, 'plugin/cache: strconv.Atoi: parsing "10k": invalid syntax'],
    [["cache {", "success", "}"], 3, `plugin/cache: ${argErr(3, "success")}`],
    [["cache {", "prefetch", "}"], 3, `plugin/cache: ${argErr(3, "prefetch")}`],
    [["cache {", "prefetch -1", "}"], 3, "plugin/cache: prefetch amount should be positive: -1"],
    [["cache {", "prefetch 10 1m 5%", "}"], 3, "plugin/cache: percentage should fall in range [10, 90]: 5"],
    [["cache {", "prefetch 10 1m 95%", "}"], 3, "plugin/cache: percentage should fall in range [10, 90]: 95"],
    [
      ["cache {", "prefetch 10 1m 50", "}"],
      3,
      "plugin/cache: last character of percentage should be `%`, but is: '0'",
    ],
    [["cache {", "prefetch 10 soon", "}"], 3, 'plugin/cache: time: invalid duration "soon"'],
    [["cache {", "serve_stale -1h", "}"], 3, "plugin/cache: invalid negative duration for serve_stale"],
    [
      ["cache {", "serve_stale 1h later", "}"],
      3,
      "plugin/cache: invalid value for serve_stale refresh mode: later",
    ],
    [
      ["cache {", "servfail 10m", "}"],
      3,
      "plugin/cache: caching SERVFAIL responses over 5 minutes is not permitted",
    ],
    [["cache {", "servfail -1s", "}"], 3, "plugin/cache: invalid negative ttl for servfail"],
    [["cache {", "servfail 10", "}"], 3, 'plugin/cache: time: missing unit in duration "10"'],
    [
      ["cache {", "disable everything", "}"],
      3,
      'plugin/cache: cache type for disable must be "success" or "denial"',
    ],
    [["cache {", "sucess 9984", "}"], 3, `plugin/cache: ${argErr(3, "sucess")}`],
    [["cache 30", "cache 60"], 3, "plugin/cache: this plugin can only be used once per Server Block"],
    // `{` on the next line: caddy hands it to cache as a second instance.
    [
      ["cache 30", "{", "success 5000", "}"],
      3,
      "plugin/cache: this plugin can only be used once per Server Block",
    ],
  ])("%j → line %i %s", (lines, line, message) => {
    expect(problems(inBlock(...lines))).toEqual([{ line, message }]);
  });

  it.each([
    ["cache 30"],
    ["cache"],
    ["cache 30 cluster.local"],
    ["cache example.org"],
    [
      "cache {\n success 0\n denial 9984 5 0\n prefetch 5 10m 20%\n serve_stale 1h verify\n servfail 5m\n disable denial a.org\n}",
    ],
  ])("accepts %j", (text) => {
    expect(problems(inBlock(...text.split("\n")))).toEqual([]);
  });

  it("knows which sub-directives each version has", () => {
    const servfail = inBlock("cache {", "servfail 5s", "}");
    expect(problems(servfail, "1.7.0")).toEqual([
      { line: 3, message: `plugin/cache: ${argErr(3, "servfail")}` },
    ]);
    expect(problems(servfail, "1.10.0")).toEqual([]);
    const keepttl = inBlock("cache {", "keepttl", "}");
    expect(problems(keepttl, "1.10.0")).toEqual([
      { line: 3, message: `plugin/cache: ${argErr(3, "keepttl")}` },
    ]);
    expect(problems(keepttl, "1.11.3")).toEqual([]);
    const mode = inBlock("cache {", "serve_stale 1h verify", "}");
    expect(problems(mode, "1.7.0")).toEqual([{ line: 3, message: `plugin/cache: ${argErr(3, "verify")}` }]);
  });
});

describe("other plugins", () => {
  it.each<[string[], number, string]>([
    [["log . {", "class denial bogus", "}"], 3, "plugin/log: invalid Class: bogus"],
    [["log . {", "class", "}"], 3, `plugin/log: ${argErr(3, "class")}`],
    [["log . {", "format x", "}"], 3, `plugin/log: ${argErr(3, "format")}`],
    [["errors", "errors"], 3, "plugin/errors: this plugin can only be used once per Server Block"],
    [["errors {", "consolidate 5m", "}"], 3, `plugin/errors: ${argErr(3, "5m")}`],
    [["reload 1s"], 2, "plugin/reload: interval value must be greater or equal to 2s"],
    [["reload 10s 500ms"], 2, "plugin/reload: jitter value must be greater or equal to 1s"],
    [["reload 10s 5s 1s"], 2, `plugin/reload: ${argErr(2, "1s")}`],
    [["reload soon"], 2, 'plugin/reload: time: invalid duration "soon"'],
    [["health 8080"], 2, "plugin/health: address 8080: missing port in address"],
    [["health :8080 :8081"], 2, `plugin/health: ${argErr(2, ":8081")}`],
    [
      ["prometheus :9253", "prometheus :9254"],
      3,
      "plugin/prometheus: this plugin can only be used once per Server Block",
    ],
    [["prometheus 9253"], 2, "plugin/prometheus: address 9253: missing port in address"],
    [["loop", "loop"], 3, "plugin/loop: this plugin can only be used once per Server Block"],
    [["forward ."], 2, `plugin/forward: ${argErr(2, ".")}`],
    [
      ["forward . 10.0.0.1 {", "force_udp", "}"],
      3,
      "plugin/forward: Corefile:3 - Error during parsing: unknown property 'force_udp'",
    ],
  ])("%j → line %i %s", (lines, line, message) => {
    expect(problems(inBlock(...lines))).toEqual([{ line, message }]);
  });

  it("allows several log lines (each is a rule)", () => {
    expect(problems(inBlock("log", "log example.org {", "class denial error", "}"))).toEqual([]);
  });

  it("allows several reload lines (only the first is read)", () => {
    expect(problems(inBlock("reload 10s", "reload 1s"))).toEqual([]);
  });
});

describe("listeners and process-wide plugins", () => {
  it("refuses the same zone and port twice", () => {
    const text = "cluster.local:53 {\n  errors\n}\ncluster.local {\n  errors\n}\n";
    expect(problems(text)).toEqual([
      { line: 4, message: "cannot serve dns://cluster.local.:53 - it is already defined" },
    ]);
  });

  it("names the bind address when blocks are bound", () => {
    const text = "a.org {\n  bind 10.0.0.1\n}\na.org {\n  bind 10.0.0.1\n}\n";
    expect(problems(text)).toEqual([
      { line: 4, message: "cannot serve dns://a.org.:53 on 10.0.0.1 - it is already defined" },
    ]);
  });

  it("allows one zone on two different bind addresses, and refuses an unbound copy beside them", () => {
    const twoBinds = "a.org {\n  bind 10.0.0.1\n}\na.org {\n  bind 10.0.0.2\n}\n";
    expect(problems(twoBinds)).toEqual([]);
    expect(problems(`${twoBinds}a.org {\n  errors\n}\n`)).toEqual([
      {
        line: 7,
        message:
          "cannot serve dns://a.org.:53 - zone overlap listener capacity with dns://a.org.:53 on 10.0.0.2",
      },
    ]);
  });

  it("allows the same zone on another port", () => {
    expect(problems("a.org:53 {\n  errors\n}\na.org:1053 {\n  errors\n}\n")).toEqual([]);
  });

  it("advises against health in a second block", () => {
    const text = "a.org {\n  health :8080\n}\nb.org {\n  health :8080\n}\n";
    const found = validateCorefile(parseCorefile(text));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 5, kind: "advice", block: "b.org" });
    expect(found[0]?.message).toMatch(/^health is process-wide: enable it in one server block only/);
  });

  it("reports parse problems before setup ones, and setup ones in CoreDNS's plugin order", () => {
    const text = inBlock("cache -5", "cahce 30", "reload 1s");
    expect(problems(text).map((p) => p.line)).toEqual([3, 4, 2]);
  });
});

describe("checkCorefile (text in, problems out)", () => {
  it.each([
    [
      ".:53 {\n    errors\n    cache 30\n",
      3,
      "Corefile:3 - Syntax error: Unexpected token '30', expecting '}'",
    ],
    [
      ".:53 {\n    forward . 1.2.3.4 {\n        force_tcp\n",
      3,
      "Corefile:3 - Error during parsing: Unexpected EOF",
    ],
    [
      ".:53 {\n    errors }\n}\n",
      2,
      "Corefile:2 - Error during parsing: Unexpected '}' because no matching opening brace",
    ],
  ])("reports the parse failure of %j", (text, line, message) => {
    expect(checkCorefile(text)).toEqual([{ line, message, kind: "parse" }]);
  });

  it("reports a '{' on its own line first, as CoreDNS would, then the stray '}' it leaves (ours: stricter)", () => {
    expect(checkCorefile(".:53 {\n{\n}\n}\n").map((p) => [p.line, p.kind])).toEqual([
      [2, "parse"],
      [4, "stricter"],
    ]);
    expect(checkCorefile(".:53 {\n{\n}\n}\n")[0]?.message).toBe(
      "Corefile:2 - Error during parsing: Unknown directive '{'",
    );
  });

  it("reports every unknown name, then setup problems", () => {
    const text = ".:53 {\n    cahce 30\n    lgo\n    reload 1s\n}\n";
    expect(checkCorefile(text, { filename: "/etc/Corefile" }).map((p) => p.message)).toEqual([
      "/etc/Corefile:2 - Error during parsing: Unknown directive 'cahce'",
      "/etc/Corefile:3 - Error during parsing: Unknown directive 'lgo'",
      "plugin/reload: interval value must be greater or equal to 2s",
    ]);
  });

  it("reads the reload-failed fixture's error from `cache -5`", () => {
    const text = readFileSync(`${FIXTURES}/Corefile-nodelocaldns-rendered-by-node-cache-1.22.28.txt`, "utf8");
    const bad = text.replace(
      "in-addr.arpa:53 {\n    errors\n    cache 30",
      "in-addr.arpa:53 {\n    errors\n    cache -5",
    );
    const log = readFileSync(`${FIXTURES}/logs-nodecache-1.22.28-coredns-1.10.0-reload-failed.txt`, "utf8");
    const [first] = checkCorefile(bad, { corednsVersion: "1.10.0" });
    expect(first?.line).toBe(18);
    expect(log).toContain(`[ERROR] Restart failed: ${first?.message}`);
  });
});
