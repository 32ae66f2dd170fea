/**
 * The validator's verdict against CoreDNS's own rules, case by case and version by version (issue 16).
 * Each test name cites the condition in CoreDNS's source (at the tags v1.7.0, v1.10.0, v1.11.3,
 * v1.12.2, v1.13.1) that decides it.
 */
import { describe, expect, it } from "vitest";
import {
  checkCorefile,
  corednsRefuses,
  describeCorefile,
  parseCorefile,
  setCacheTier,
  setLog,
  validateCorefile,
  CorefileEditError,
  type CorefileProblem,
} from "@/lib/corefile";
import { blocksApply, proposeForCluster } from "@/lib/config/propose";

const VERSIONS = ["1.7.0", "1.10.0", "1.11.3", "1.12.2", "1.13.1"] as const;
type V = (typeof VERSIONS)[number];

/** A node-local-dns-like block with `extra` lines inserted after `errors` (line 3 on). */
function block(...extra: string[]): string {
  return [".:53 {", "    errors", ...extra.map((l) => `    ${l}`), "    cache 30", "}", ""].join("\n");
}

/** What CoreDNS itself would refuse the file with: [line, message]. */
function refusals(text: string, v: string): [number, string][] {
  return checkCorefile(text, { corednsVersion: v })
    .filter(corednsRefuses)
    .map((p) => [p.line, p.message]);
}

const advice = (problems: CorefileProblem[]) =>
  problems.filter((p) => p.kind === "advice").map((p) => p.message);

describe("import and snippets (coredns/caddy parse.go doImport, isSnippet, snippetTokens)", () => {
  const withSnippet = [
    "(common) {",
    "    errors",
    "    cache 30",
    "}",
    "cluster.local:53 {",
    "    import common",
    "    forward . 10.96.0.10",
    "}",
    ".:53 {",
    "    import common",
    "    forward . /etc/resolv.conf",
    "}",
    "",
  ].join("\n");

  it.each(VERSIONS)(
    "expands a snippet defined above `import name` into each block (definedSnippets[importPattern]) on %s",
    (v) => {
      expect(checkCorefile(withSnippet, { corednsVersion: v })).toEqual([]);
      const blocks = describeCorefile(parseCorefile(withSnippet));
      expect(blocks.map((b) => b.keys)).toEqual([["cluster.local:53"], [".:53"]]);
      expect(blocks.map((b) => [b.errors, b.cache?.success.maxTtl])).toEqual([
        [true, 30],
        [true, 30],
      ]);
    },
  );

  it("a setup error inside a snippet names the snippet's line, as the spliced tokens keep their Line", () => {
    const text = withSnippet.replace("    cache 30", "    cache -5");
    expect(refusals(text, "1.13.1")).toEqual([
      [3, "plugin/cache: cache TTL can not be zero or negative: -5"],
      [3, "plugin/cache: cache TTL can not be zero or negative: -5"],
    ]);
  });

  it("`import FILE` is advice, not a refusal: the file is on the node (filepath.Glob relative to the Corefile)", () => {
    const text = block("import /etc/coredns/custom/*.override");
    const problems = checkCorefile(text, { corednsVersion: "1.13.1" });
    expect(problems.map((p) => p.kind)).toEqual(["advice"]);
    expect(problems[0]?.line).toBe(3);
    expect(problems[0]?.message).toMatch(/^import \/etc\/coredns\/custom\/\*\.override: a file on the node/);
    expect(blocksApply(problems)).toBe(false);
  });

  it("`import name` before `(name)` is defined reads a file, as caddy only looks up snippets defined earlier", () => {
    const text = [".:53 {", "    import common", "}", "(common) {", "    errors", "}", ""].join("\n");
    const doc = parseCorefile(text, { checkDirectives: false });
    expect(doc.imports).toEqual([{ line: 2, pattern: "common", snippet: null }]);
    expect(doc.snippets).toEqual([{ name: "common", line: 4, endLine: 6 }]);
  });

  it('refuses a snippet declared twice ("redeclaration of previously declared snippet")', () => {
    const text = "(a) {\n    errors\n}\n(a) {\n    log\n}\n";
    expect(refusals(text, "1.10.0")).toEqual([
      [4, "Corefile:4 - Error during parsing: redeclaration of previously declared snippet a"],
    ]);
  });

  it("refuses `import` without an argument (doImport: !p.NextArg() → ArgErr) and with two", () => {
    expect(refusals(block("import"), "1.13.1")).toEqual([
      [3, "Corefile:3 - Error during parsing: Wrong argument count or unexpected line ending after 'import'"],
    ]);
    expect(refusals(block("import a b"), "1.13.1")).toEqual([
      [3, "Corefile:3 - Error during parsing: Import takes only one argument (glob pattern or file)"],
    ]);
  });

  it('refuses a glob with more than one wildcard (doImport: strings.Count(globPattern, "*") > 1, caddy issue #2096)', () => {
    expect(refusals(block("import custom/*/*.conf"), "1.13.1")).toEqual([
      [
        3,
        "Corefile:3 - Error during parsing: Glob pattern may only contain one wildcard (*), but has others: /etc/custom/*/*.conf",
      ],
    ]);
  });

  it("the editor refuses to edit a directive that comes from a snippet (its lines are shared by every importer)", () => {
    const doc = parseCorefile(withSnippet.replace("    errors\n    cache 30", "    log\n    cache 30"));
    expect(() => setCacheTier(doc, 0, "success", { capacity: 5000 })).toThrow(CorefileEditError);
    expect(() => setCacheTier(doc, 0, "success", { capacity: 5000 })).toThrow(
      /comes from snippet \(common\)/,
    );
    expect(() => setLog(doc, 1, false)).toThrow(/comes from snippet \(common\) \(line 2\)/);
  });

  it("adds `log` on the block's own lines (before its first own directive), not on the snippet's lines", () => {
    const doc = setLog(parseCorefile(withSnippet), 1, true);
    expect(doc.source.split("\n").slice(8, 12)).toEqual([
      ".:53 {",
      "    import common",
      "    log",
      "    forward . /etc/resolv.conf",
    ]);
  });
});

describe("a stray '}' on the last line (caddy parseAll: it becomes the key of one more block, `}.:53`)", () => {
  const text = block() + "}\n";

  it.each(VERSIONS)("CoreDNS %s starts with it; the dashboard refuses it as stricter, and says so", (v) => {
    const problems = checkCorefile(text, { corednsVersion: v });
    expect(problems.map((p) => [p.line, p.kind])).toEqual([[5, "stricter"]]);
    expect(problems.filter(corednsRefuses)).toEqual([]);
    expect(blocksApply(problems)).toBe(true);
    expect(problems[0]?.message).toContain(
      "Stricter than CoreDNS: CoreDNS would start and serve an extra server block '}.:53'",
    );
  });

  it("a '}' followed by another block is CoreDNS's own refusal (the next key is read as a directive)", () => {
    expect(refusals(block() + "}\nexample.org:53 {\n    errors\n}\n", "1.13.1")[0]).toEqual([
      6,
      "Corefile:6 - Error during parsing: Unknown directive 'example.org:53'",
    ]);
  });
});

describe("forward TO (plugin/pkg/parse HostPortOrFile: net.ParseIP, else tryFile)", () => {
  it.each(VERSIONS)(
    'refuses `forward . notanip` on %s: net.ParseIP fails and there is no such file → not an IP address or file: "notanip"',
    (v) => {
      expect(refusals(block("forward . notanip"), v)).toEqual([
        [3, 'plugin/forward: not an IP address or file: "notanip"'],
      ]);
    },
  );

  it.each(VERSIONS)("accepts IPs, IP:port, [v6]:port, tls:// and /etc/resolv.conf on %s", (v) => {
    expect(
      refusals(
        block("forward . 10.96.0.10 10.0.0.1:5353 [fd00::10]:53 fd00::11 tls://1.1.1.1 /etc/resolv.conf"),
        v,
      ),
    ).toEqual([]);
  });

  it("refuses 300.1.1.1 as a TO (net.ParseIP) and grpc:// (allowedTrans is dns and tls only)", () => {
    expect(refusals(block("forward . 300.1.1.1"), "1.10.0")).toEqual([
      [3, 'plugin/forward: not an IP address or file: "300.1.1.1"'],
    ]);
    // HostPortOrFile has already added grpc's default port when the transport is checked.
    expect(refusals(block("forward . grpc://10.0.0.1"), "1.13.1")).toEqual([
      [
        3,
        "plugin/forward: 'grpc' is not supported as a destination protocol in forward: grpc://10.0.0.1:443",
      ],
    ]);
  });

  it("another file on the node is advice: tryFile reads it there, the dashboard cannot", () => {
    const problems = checkCorefile(block("forward . /etc/custom-resolv.conf"), { corednsVersion: "1.13.1" });
    expect(problems.map((p) => p.kind)).toEqual(["advice"]);
    expect(problems[0]?.message).toMatch(/^forward \/etc\/custom-resolv\.conf: a file on the node/);
  });

  it("node-local-dns's __PROMETHEUS__ENDPOINT__ (its -prometheus-listen-address) is not refused by prometheus' net.SplitHostPort", () => {
    expect(refusals(block("prometheus __PROMETHEUS__ENDPOINT__"), "1.13.1")).toEqual([]);
    expect(refusals(block("prometheus 9253"), "1.13.1")).toEqual([
      [3, "plugin/prometheus: address 9253: missing port in address"],
    ]);
  });

  it("node-cache's placeholders (__PILLAR__CLUSTER__DNS__, __PILLAR__UPSTREAM__SERVERS__) are not refused: node-cache fills them in first", () => {
    expect(refusals(block("forward . __PILLAR__CLUSTER__DNS__"), "1.13.1")).toEqual([]);
  });

  it("refuses more than 15 TOs (forward setup: f.Len() > max)", () => {
    const tos = Array.from({ length: 16 }, (_, i) => `10.0.0.${i + 1}`).join(" ");
    expect(refusals(block(`forward . ${tos}`), "1.11.3")).toEqual([
      [3, "plugin/forward: more than 15 TOs configured: 16"],
    ]);
  });
});

describe("forward properties (plugin/forward/setup.go parseBlock)", () => {
  const fwd = (prop: string) => block("forward . 127.0.0.3 {", `    ${prop}`, "}");

  it.each(VERSIONS)(
    "refuses `policy bogus` on %s: the switch knows random, round_robin, sequential → c.Errf(\"unknown policy '%%s'\")",
    (v) => {
      expect(refusals(fwd("policy bogus"), v)).toEqual([
        [4, "plugin/forward: Corefile:4 - Error during parsing: unknown policy 'bogus'"],
      ]);
      expect(refusals(fwd("policy sequential"), v)).toEqual([]);
    },
  );

  it.each(VERSIONS)(
    "refuses the one-line `forward . 127.0.0.3 { policy bogus }` on %s (NextBlock opens on the same line)",
    (v) => {
      expect(refusals(block("forward . 127.0.0.3 { policy bogus }"), v)).toEqual([
        [3, "plugin/forward: Corefile:3 - Error during parsing: unknown policy 'bogus'"],
      ]);
      expect(refusals(block("forward . 127.0.0.3 { policy random }"), v)).toEqual([]);
    },
  );

  it.each<[string, V, V]>([
    ["next NXDOMAIN", "1.11.3", "1.12.2"],
    ["failfast_all_unhealthy_upstreams", "1.11.3", "1.12.2"],
    ["failover SERVFAIL", "1.12.2", "1.13.1"],
  ])("`%s`: unknown property on %s (default case), accepted on %s", (prop, before, from) => {
    const [problem] = checkCorefile(fwd(prop), { corednsVersion: before }).filter(corednsRefuses);
    expect(problem?.message).toBe(
      `plugin/forward: Corefile:4 - Error during parsing: unknown property '${prop.split(" ")[0]}'`,
    );
    expect(problem?.note).toMatch(
      new RegExp(
        `^forward's ${prop.split(" ")[0]} arrived in CoreDNS 1\\.1[123]\\.[0-9]: older versions refuse it$`,
      ),
    );
    expect(refusals(fwd(prop), from)).toEqual([]);
  });

  it("max_fails: Atoi and `n < 0` on 1.7.0, strconv.ParseUint(…, 10, 32) from 1.9.0", () => {
    expect(refusals(fwd("max_fails -1"), "1.7.0")).toEqual([
      [4, "plugin/forward: max_fails can't be negative: -1"],
    ]);
    expect(refusals(fwd("max_fails -1"), "1.10.0")).toEqual([
      [4, 'plugin/forward: strconv.ParseUint: parsing "-1": invalid syntax'],
    ]);
  });

  it("health_check's `domain` option arrived in 1.9.2: 1.7.0 says health_check: unknown option domain", () => {
    expect(refusals(fwd("health_check 5s domain example.org"), "1.7.0")).toEqual([
      [4, "plugin/forward: health_check: unknown option domain"],
    ]);
    expect(refusals(fwd("health_check 5s domain example.org"), "1.10.0")).toEqual([]);
  });
});

describe("bind (plugin/bind/setup.go: net.ParseIP, interface names from 1.8.4 via listIP)", () => {
  it("1.7.0 refuses `bind 300.1.1.1`: net.ParseIP(addr) == nil → not a valid IP address", () => {
    expect(refusals(block("bind 300.1.1.1"), "1.7.0")).toEqual([
      [3, "plugin/bind: not a valid IP address: 300.1.1.1"],
    ]);
  });

  it.each(["1.10.0", "1.11.3", "1.12.2", "1.13.1"] as const)(
    "%s refuses `bind 300.1.1.1`: no interface has that name and net.ParseIP fails → not a valid IP address or interface name",
    (v) => {
      expect(refusals(block("bind 300.1.1.1"), v)).toEqual([
        [3, 'plugin/bind: not a valid IP address or interface name: "300.1.1.1"'],
      ]);
    },
  );

  it("an interface name is advice on 1.10.0+ (looked up on the node), a refusal on 1.7.0 (IPs only)", () => {
    expect(refusals(block("bind 169.254.20.10 nodelocaldns"), "1.7.0")).toEqual([
      [3, "plugin/bind: not a valid IP address: nodelocaldns"],
    ]);
    const problems = checkCorefile(block("bind 169.254.20.10 nodelocaldns"), { corednsVersion: "1.13.1" });
    expect(problems.map((p) => p.kind)).toEqual(["advice"]);
    expect(problems[0]?.message).toMatch(/^bind nodelocaldns: an interface name/);
  });

  it("`except` (1.8.4+): an unknown block option is `invalid option`", () => {
    expect(refusals(block("bind 0.0.0.0 {", "    except 10.0.0.1", "}"), "1.13.1")).toEqual([]);
    expect(refusals(block("bind 0.0.0.0 {", "    only 10.0.0.1", "}"), "1.13.1")).toEqual([
      [4, 'plugin/bind: invalid option "only"'],
    ]);
  });

  it("accepts IPv6 and node-cache's __PILLAR__LOCAL__DNS__ placeholder", () => {
    expect(refusals(block("bind fd00::10 __PILLAR__LOCAL__DNS__"), "1.7.0")).toEqual([]);
  });
});

describe("bufsize (plugin/bufsize/setup.go parse: bufsize < 512 || bufsize > 4096 → c.ArgErr())", () => {
  it.each(VERSIONS)("refuses `bufsize 100` and `bufsize 5000` on %s, accepts 512, 1232 and 4096", (v) => {
    const err = (n: string): [number, string][] => [
      [
        3,
        `plugin/bufsize: Corefile:3 - Error during parsing: Wrong argument count or unexpected line ending after '${n}'`,
      ],
    ];
    expect(refusals(block("bufsize 100"), v)).toEqual(err("100"));
    expect(refusals(block("bufsize 5000"), v)).toEqual(err("5000"));
    expect(refusals(block("bufsize big"), v)).toEqual(err("big"));
    for (const ok of ["512", "1232", "4096", ""])
      expect(refusals(block(`bufsize ${ok}`.trim()), v)).toEqual([]);
  });
});

describe('{$ENV} (caddy replaceEnvVars: os.Getenv, so an unset variable becomes "")', () => {
  const text = block("forward . {$NOPE_UNSET}");

  it.each(["1.7.0", "1.10.0"] as const)(
    '%s refuses `forward . {$NOPE_UNSET}` unset: HostPortOrFile("") → not an IP address or file: ""',
    (v) => {
      expect(refusals(text, v)).toEqual([[3, 'plugin/forward: not an IP address or file: ""']]);
    },
  );

  it.each(["1.11.3", "1.12.2", "1.13.1"] as const)(
    '%s refuses it with HostPortOrFile\'s len(host) == 0 → invalid address: ""',
    (v) => {
      expect(refusals(text, v)).toEqual([[3, 'plugin/forward: invalid address: ""']]);
    },
  );

  it("says the variable is read from the container's environment, and accepts it when the pod spec sets it", () => {
    expect(advice(checkCorefile(text))).toEqual([
      '{$NOPE_UNSET} is read from the node-cache container\'s environment when CoreDNS parses the file; the dashboard assumes it unset, and caddy makes an unset variable "" (checked here as such)',
    ]);
    expect(checkCorefile(text, { env: { NOPE_UNSET: "10.0.0.1" } })).toEqual([]);
    expect(checkCorefile(block("forward . {%UP%}"), { env: { UP: "10.0.0.1" } })).toEqual([]);
  });

  it("a variable the pod spec sets with valueFrom (value unknown) or any name under envFrom is not refused", () => {
    expect(checkCorefile(text, { env: { NOPE_UNSET: null } })).toEqual([]);
    expect(checkCorefile(text, { env: "unknown" })).toEqual([]);
  });

  it("expands variables in server block keys too (addresses: replaceEnvVars(p.Val()))", () => {
    expect(checkCorefile("{$ZONE}:53 {\n    errors\n}\n", { env: { ZONE: "cluster.local" } })).toEqual([]);
  });
});

describe("server block keys (InspectServerBlocks → plugin.SplitHostPort → dns.IsDomainName)", () => {
  const text = ".:abc {\n    errors\n}\n";

  it.each(["1.10.0", "1.11.3", "1.12.2", "1.13.1"] as const)(
    "%s refuses `.:abc`: a non-numeric port stays in the zone, and miekg/dns ≥ 1.1.50 refuses a leading '.' → zone is not a valid domain name",
    (v) => {
      expect(refusals(text, v)).toEqual([[1, "zone is not a valid domain name: .:abc"]]);
    },
  );

  it("1.7.0 (miekg/dns v1.1.29, no leading-dot rule) accepts `.:abc` as the zone '.:abc.'", () => {
    expect(refusals(text, "1.7.0")).toEqual([]);
  });

  it.each(VERSIONS)(
    "%s refuses a key ending in ':' (expecting data after last colon) and an empty label",
    (v) => {
      expect(refusals("cluster.local: {\n    errors\n}\n", v)).toEqual([
        [1, 'expecting data after last colon: "cluster.local:"'],
      ]);
      expect(refusals("a..b:53 {\n    errors\n}\n", v)).toEqual([
        [1, "zone is not a valid domain name: a..b"],
      ]);
    },
  );

  it.each(VERSIONS)("%s accepts the keys node-local-dns uses", (v) => {
    expect(
      refusals(
        "cluster.local:53 in-addr.arpa:53 ip6.arpa:53 .:53 dns://example.org:5353 10.0.0.0/8:53 {\n    errors\n}\n",
        v,
      ),
    ).toEqual([]);
  });
});

describe("directive lists per version (core/dnsserver/zdirectives.go at each tag)", () => {
  it("`timeouts` on 1.10.0: not in its zdirectives.go (added in 1.10.1) → Unknown directive, with the version that added it", () => {
    const [p] = checkCorefile(block("timeouts {", "    read 10s", "}"), { corednsVersion: "1.10.0" });
    expect(p).toMatchObject({
      line: 3,
      kind: "parse",
      message: "Corefile:3 - Error during parsing: Unknown directive 'timeouts'",
      note: "timeouts arrived in CoreDNS 1.10.1: older versions refuse it",
    });
  });

  it.each(["1.11.3", "1.12.2", "1.13.1"] as const)(
    "`timeouts` on %s: CoreDNS knows it, node-cache (cmd/node-cache/main.go before 1.26.8) does not compile it in",
    (v) => {
      expect(refusals(block("timeouts {", "    read 10s", "}"), v)).toEqual([
        [3, "no action found for directive 'timeouts' with server type 'dns' (missing a plugin?)"],
      ]);
    },
  );

  it("`nomad` is unknown to 1.11.3 and 1.12.2 (first in 1.13.0's zdirectives.go), known but not compiled in on 1.13.1", () => {
    expect(refusals(block("nomad"), "1.12.2")).toEqual([
      [3, "Corefile:3 - Error during parsing: Unknown directive 'nomad'"],
    ]);
    expect(refusals(block("nomad"), "1.13.1")).toEqual([
      [3, "no action found for directive 'nomad' with server type 'dns' (missing a plugin?)"],
    ]);
  });
});

describe("cache options per version (plugin/cache/setup.go cacheParse: default → c.ArgErr())", () => {
  const cache = (...lines: string[]) =>
    [".:53 {", "    cache {", ...lines.map((l) => `        ${l}`), "    }", "}", ""].join("\n");

  it.each(VERSIONS)(
    "`serve_stale_policy prefer_positive` is refused on %s (first in v1.14.7's cacheParse), naming the version",
    (v) => {
      const [p] = checkCorefile(cache("serve_stale 1h", "serve_stale_policy prefer_positive"), {
        corednsVersion: v,
      }).filter(corednsRefuses);
      expect(p?.message).toBe(
        "plugin/cache: Corefile:4 - Error during parsing: Wrong argument count or unexpected line ending after 'serve_stale_policy'",
      );
      expect(p?.note).toBe(`cache's serve_stale_policy arrived in CoreDNS 1.14.7: older versions refuse it`);
    },
  );

  it("a node reporting CoreDNS 1.14.7 takes serve_stale_policy (and requires serve_stale with it)", () => {
    expect(refusals(cache("serve_stale 1h", "serve_stale_policy prefer_positive"), "1.14.7")).toEqual([]);
    expect(refusals(cache("serve_stale_policy prefer_positive"), "1.14.7")).toEqual([
      [4, "plugin/cache: serve_stale_policy requires serve_stale"],
    ]);
  });

  it("serve_stale's verify timeout (third argument) arrived in 1.14.4: `len(args) > 2` → ArgErr on 1.13.1", () => {
    const [p] = checkCorefile(cache("serve_stale 1h verify 2s"), { corednsVersion: "1.13.1" }).filter(
      corednsRefuses,
    );
    expect(p?.note).toBe("serve_stale's verify timeout arrived in CoreDNS 1.14.4: older versions refuse it");
    expect(refusals(cache("serve_stale 1h verify 2s"), "1.14.4")).toEqual([]);
  });

  it("keepttl arrived in 1.10.1: refused on 1.10.0 with the version, accepted on 1.11.3", () => {
    const [p] = checkCorefile(cache("keepttl"), { corednsVersion: "1.10.0" }).filter(corednsRefuses);
    expect(p?.note).toBe("cache's keepttl arrived in CoreDNS 1.10.1: older versions refuse it");
    expect(refusals(cache("keepttl"), "1.11.3")).toEqual([]);
  });

  it.each(VERSIONS)(
    "accepts `success 0` on %s (pcap is any Atoi result; plugin/pkg/cache New gives each shard at least 4)",
    (v) => {
      expect(refusals(cache("success 0"), v)).toEqual([]);
    },
  );
});

describe("errors (plugin/errors/setup.go errorsParse)", () => {
  const errs = (line: string) => [".:53 {", "    errors {", `        ${line}`, "    }", "}", ""].join("\n");

  it('stacktrace arrived in 1.9.3: on 1.7.0 parseBlock\'s SyntaxErr("consolidate"), with the version', () => {
    const [p] = checkCorefile(errs("stacktrace"), { corednsVersion: "1.7.0" }).filter(corednsRefuses);
    expect(p?.message).toBe(
      "plugin/errors: Corefile:3 - Syntax error: Unexpected token 'stacktrace', expecting 'consolidate'",
    );
    expect(p?.note).toBe("errors stacktrace arrived in CoreDNS 1.9.3: older versions refuse it");
    expect(refusals(errs("stacktrace"), "1.10.0")).toEqual([]);
  });

  it('an unknown field from 1.9.3 is SyntaxErr("Unknown field …")', () => {
    expect(refusals(errs("verbose"), "1.13.1")).toEqual([
      [
        3,
        "plugin/errors: Corefile:3 - Syntax error: Unexpected token 'verbose', expecting 'Unknown field verbose'",
      ],
    ]);
  });
});

describe("a cluster mid-upgrade validates against every version it runs (proposeForCluster)", () => {
  it("a forward `failover` (1.13.0+) is refused for the 1.12.2 nodes only, and says so", () => {
    const text = block("forward . 10.96.0.10 {", "    failover SERVFAIL", "}");
    const r = proposeForCluster(text, { corefile: text }, ["1.13.1", "1.12.2"]);
    expect(r.problems.map((p) => p.message)).toEqual([
      "plugin/forward: Corefile:4 - Error during parsing: unknown property 'failover' (CoreDNS 1.12.2)",
    ]);
    expect(blocksApply(r.problems)).toBe(true);
  });
});

describe("validateCorefile on a parsed document", () => {
  it("reports file imports from doc.imports (parse once, validate per version)", () => {
    const doc = parseCorefile(block("import custom/*.conf"), { checkDirectives: false });
    expect(validateCorefile(doc, { corednsVersion: "1.7.0" }).map((p) => p.kind)).toEqual(["advice"]);
  });
});
