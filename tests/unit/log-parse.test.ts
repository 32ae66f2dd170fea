import { describe, expect, it } from "vitest";
import {
  errorCount,
  goDurationSeconds,
  looksLikeFailedUpstream,
  parseCorednsLogLine,
  rcodeName,
  splitKubeletTimestamp,
  type CorednsLogLine,
  type QueryLogLine,
} from "@/lib/logs/parse";

function query(line: string): QueryLogLine {
  const parsed = parseCorednsLogLine(line);
  if (parsed.kind !== "query") throw new Error(`expected a query line, got kind ${parsed.kind}: ${line}`);
  return parsed;
}

/** A {common} line with one field replaced, for the many small variations below. */
function commonLine(
  fields: Partial<Record<"remote" | "name" | "proto" | "do" | "buf" | "rcode" | "flags", string>> = {},
) {
  const f = {
    remote: "10.0.0.7:41000",
    name: "web.shop.svc.cluster.local.",
    proto: "udp",
    do: "false",
    buf: "512",
    rcode: "NOERROR",
    flags: "qr,aa,rd",
    ...fields,
  };
  return `[INFO] ${f.remote} - 4242 "A IN ${f.name} ${f.proto} 45 ${f.do} ${f.buf}" ${f.rcode} ${f.flags} 90 0.000123s`;
}

describe("query lines: the seed and facts examples", () => {
  it("reads the seed's cluster lookup field by field", () => {
    const line =
      '[INFO] 192.168.82.65:54312 - 42953 "A IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 106 0.000232824s';
    expect(parseCorednsLogLine(line)).toEqual({
      kind: "query",
      clientIp: "192.168.82.65",
      clientPort: 54312,
      queryId: 42953,
      type: "A",
      class: "IN",
      name: "kubernetes.default.svc.cluster.local.",
      proto: "udp",
      requestSize: 54,
      doBit: false,
      bufSize: 512,
      rcode: "NOERROR",
      flags: ["qr", "aa", "rd"],
      responseSize: 106,
      durationSeconds: 0.000232824,
      raw: line,
    });
  });

  it("reads the seed's external lookup", () => {
    const q = query(
      '[INFO] 192.168.82.65:38291 - 18276 "A IN google.com. udp 28 false 512" NOERROR qr,rd,ra 54 0.023451s',
    );
    expect(q).toMatchObject({
      name: "google.com.",
      requestSize: 28,
      flags: ["qr", "rd", "ra"],
      responseSize: 54,
      durationSeconds: 0.023451,
    });
  });

  it("reads an IPv6 client in brackets (the log plugin README's example) without the brackets", () => {
    const q = query(
      '[INFO] [::1]:50759 - 29008 "A IN example.org. udp 41 false 4096" NOERROR qr,rd,ra,ad 68 0.037990251s',
    );
    expect(q).toMatchObject({
      clientIp: "::1",
      clientPort: 50759,
      bufSize: 4096,
      flags: ["qr", "rd", "ra", "ad"],
    });
    expect(query(commonLine({ remote: "[fd00:10:244::1f]:53211" })).clientIp).toBe("fd00:10:244::1f");
  });

  it("reads tcp queries with the 65535 buffer size", () => {
    const q = query(
      '[INFO] 127.0.0.1:45426 - 8271 "A IN example.org.default.svc.cluster.local. tcp 55 false 65535" NXDOMAIN qr,aa,rd 148 0.000669045s',
    );
    expect(q).toMatchObject({ proto: "tcp", bufSize: 65535, rcode: "NXDOMAIN" });
  });

  it("reads the DO bit and `-` for the DO bit and buffer size", () => {
    expect(query(commonLine({ do: "true", buf: "1232" }))).toMatchObject({ doBit: true, bufSize: 1232 });
    expect(query(commonLine({ do: "-", buf: "-" }))).toMatchObject({ doBit: null, bufSize: null });
  });

  it("reads the combined format's opcode", () => {
    const q = query(`${commonLine()} "QUERY"`);
    expect(q.opcode).toBe("QUERY");
    expect(q.durationSeconds).toBe(0.000123);
    expect(query(commonLine()).opcode).toBeUndefined();
  });
});

describe("query lines: failed upstream", () => {
  it("reads CoreDNS 1.10's `- - 0` form: no rcode, no flags", () => {
    const q = query(
      '[INFO] 127.0.0.1:55934 - 12004 "A IN svc0.ns0.svc.cluster.local. udp 44 false 512" - - 0 1.001097883s',
    );
    expect(q).toMatchObject({ rcode: null, flags: [], responseSize: 0, durationSeconds: 1.001097883 });
    expect(looksLikeFailedUpstream(q)).toBe(true);
  });

  it("reads CoreDNS 1.7's misleading `NOERROR - 0` form and still flags it as failed", () => {
    const q = query(
      '[INFO] 127.0.0.1:50750 - 12004 "A IN svc0.ns0.svc.cluster.local. udp 44 false 512" NOERROR - 0 0.925728398s',
    );
    expect(q).toMatchObject({ rcode: "NOERROR", flags: [], responseSize: 0 });
    expect(looksLikeFailedUpstream(q)).toBe(true);
  });

  it("does not flag real answers, including a real SERVFAIL that was written", () => {
    expect(looksLikeFailedUpstream(query(commonLine()))).toBe(false);
    expect(looksLikeFailedUpstream(query(commonLine({ rcode: "NXDOMAIN" })))).toBe(false);
    expect(looksLikeFailedUpstream(query(commonLine({ rcode: "SERVFAIL", flags: "qr,rd" })))).toBe(false);
  });
});

describe("query lines: names kept exactly as printed", () => {
  it.each([
    ["markup", "<script>alert(1)</script>.example.com."],
    ["escaped bytes", "a\\032b\\255.example.com."],
    ["escaped dot inside a label", "a\\.b.example.com."],
    ["escaped space", "a\\ b.example.com."],
    ["escaped quote followed by a space", 'say\\"\\ hi.example.com.'],
    ["the root", "."],
    ["non-ASCII text", "bücher.example."],
  ])("%s", (_, name) => {
    expect(query(commonLine({ name })).name).toBe(name);
  });
});

describe("truncated and malformed lines become kind other, never a wrong query", () => {
  const valid = [
    '[INFO] 127.0.0.1:35272 - 21226 "HINFO IN 3819555974872531604.8493340083622491160. udp 57 false 512" NXDOMAIN qr,aa,rd 132 0.001123973s',
    '[INFO] [::1]:50759 - 29008 "A IN example.org. udp 41 false 4096" NOERROR qr,rd,ra,ad 68 0.037990251s "QUERY"',
    '[INFO] 127.0.0.1:55934 - 12004 "A IN svc0.ns0.svc.cluster.local. udp 44 false 512" - - 0 1.001097883s',
  ];

  it.each(valid)("every proper prefix of %s", (line) => {
    expect(parseCorednsLogLine(line).kind).toBe("query");
    // A {combined} line cut just before ` "QUERY"` is a complete {common} line, so that one prefix is a query.
    const commonPart = line.endsWith('"') ? line.slice(0, line.lastIndexOf(' "')) : null;
    for (let n = 0; n < line.length; n++) {
      const prefix = line.slice(0, n);
      const parsed = parseCorednsLogLine(prefix);
      expect(parsed.kind, JSON.stringify(prefix)).toBe(prefix === commonPart ? "query" : "other");
      expect(parsed.raw).toBe(prefix);
    }
  });

  it.each([
    ["no level", valid[0]!.slice("[INFO] ".length)],
    ["another level", valid[0]!.replace("[INFO]", "[ERROR]")],
    ["non-numeric port", commonLine({ remote: "10.0.0.7:x" })],
    ["bad DO bit", commonLine({ do: "yes" })],
    ["bad buffer size", commonLine({ buf: "big" })],
    ["no name", '[INFO] 10.0.0.7:41000 - 4242 "A IN udp 45 false 512" NOERROR qr,aa,rd 90 0.000123s'],
    [
      "duration without unit",
      '[INFO] 10.0.0.7:41000 - 4242 "A IN a. udp 45 false 512" NOERROR qr,aa,rd 90 0.000123',
    ],
    ["a doubled space", commonLine().replace("NOERROR ", "NOERROR  ")],
    ["a custom log format", "[INFO] udp Request: example.org. A 4242"],
  ])("%s", (_, line) => {
    const parsed = parseCorednsLogLine(line);
    expect(parsed.kind).toBe("other");
    expect(parsed.raw).toBe(line);
  });
});

describe("line endings and timestamps", () => {
  it("parses a CRLF line and keeps the CR in raw", () => {
    const line = `${commonLine()}\r`;
    const q = query(line);
    expect(q.raw).toBe(line);
    expect(q.durationSeconds).toBe(0.000123);
    expect(query(`${commonLine()}\r\n`).name).toBe("web.shop.svc.cluster.local.");
    const other = parseCorednsLogLine("[INFO] Reloading\r\n");
    expect(other).toMatchObject({ kind: "other", message: "Reloading", event: { type: "reloading" } });
  });

  it("splits the kubelet's RFC 3339 timestamp off, then the rest parses as usual", () => {
    const { time, rest } = splitKubeletTimestamp(`2026-11-21T22:34:59.123456789Z ${commonLine()}`);
    expect(time).toBe("2026-11-21T22:34:59.123456789Z");
    expect(query(rest).queryId).toBe(4242);
    expect(splitKubeletTimestamp("2026-11-21T22:34:59Z [INFO] Reloading").time).toBe("2026-11-21T22:34:59Z");
    expect(splitKubeletTimestamp("2026-11-21T22:34:59.5+01:00 x")).toEqual({
      time: "2026-11-21T22:34:59.5+01:00",
      rest: "x",
    });
  });

  it("leaves lines without a kubelet timestamp whole", () => {
    for (const line of [
      "[INFO] Reloading",
      "2026/11/21 22:34:59 [INFO] Using Corefile /etc/Corefile",
      "",
      "2026-11-21T22:34:59Z",
    ]) {
      expect(splitKubeletTimestamp(line)).toEqual({ time: null, rest: line });
    }
  });

  it("moves Go's timestamp on pre-CoreDNS node-cache lines into goTime", () => {
    expect(parseCorednsLogLine("2026/11/21 22:34:59 [INFO] Using Pidfile /tmp/node-cache.pid")).toEqual({
      kind: "other",
      level: "INFO",
      goTime: "2026/11/21 22:34:59",
      plugin: null,
      message: "Using Pidfile /tmp/node-cache.pid",
      event: null,
      raw: "2026/11/21 22:34:59 [INFO] Using Pidfile /tmp/node-cache.pid",
    });
  });
});

describe("errors plugin lines", () => {
  it("reads rcode, name, type and the error text, which may itself contain colons", () => {
    const line =
      "[ERROR] plugin/errors: 2 host0.example.net. A: read udp 127.0.0.1:48440->127.0.0.3:53: i/o timeout";
    expect(parseCorednsLogLine(line)).toEqual({
      kind: "error",
      rcode: "SERVFAIL",
      rcodeNumber: 2,
      name: "host0.example.net.",
      type: "A",
      message: "read udp 127.0.0.1:48440->127.0.0.3:53: i/o timeout",
      raw: line,
    });
  });

  it("maps other rcodes through the table and unknown ones to RCODE<n>", () => {
    expect(parseCorednsLogLine("[ERROR] plugin/errors: 5 a.example. AAAA: refused")).toMatchObject({
      rcode: "REFUSED",
      type: "AAAA",
    });
    expect(parseCorednsLogLine("[ERROR] plugin/errors: 99 a.example. A: odd")).toMatchObject({
      rcode: "RCODE99",
      rcodeNumber: 99,
    });
    expect([rcodeName(0), rcodeName(3), rcodeName(16), rcodeName(23)]).toEqual([
      "NOERROR",
      "NXDOMAIN",
      "BADSIG",
      "BADCOOKIE",
    ]);
  });

  it("keeps an escaped space inside the name", () => {
    expect(
      parseCorednsLogLine("[ERROR] plugin/errors: 2 a\\ b.example. TXT: no healthy proxies"),
    ).toMatchObject({
      kind: "error",
      name: "a\\ b.example.",
      type: "TXT",
      message: "no healthy proxies",
    });
  });

  it("reads the consolidate summary as errorSummary, counting its errors", () => {
    const line = "[ERROR] plugin/errors: 12 errors like '^read udp .* i/o timeout$' occurred in last 30s";
    const parsed = parseCorednsLogLine(line);
    expect(parsed).toEqual({
      kind: "errorSummary",
      level: "ERROR",
      count: 12,
      pattern: "^read udp .* i/o timeout$",
      period: "30s",
      periodSeconds: 30,
      raw: line,
    });
    expect(errorCount(parsed)).toBe(12);
  });

  it("reads a summary at another level, a pattern with quotes in it, and a minutes period", () => {
    const parsed = parseCorednsLogLine(
      "[WARNING] plugin/errors: 3 errors like 'can't dial' occurred in last 1m0s",
    );
    expect(parsed).toMatchObject({
      kind: "errorSummary",
      level: "WARNING",
      count: 3,
      pattern: "can't dial",
      period: "1m0s",
      periodSeconds: 60,
    });
  });

  it("does not mistake a truncated error line for one", () => {
    for (const line of [
      "[ERROR] plugin/errors: 2 svc0.ns0",
      "[ERROR] plugin/errors: ",
      "[ERROR] plugin/errors: x a. A: b",
      "[INFO] plugin/errors: 2 a. A: b",
    ]) {
      const parsed: CorednsLogLine = parseCorednsLogLine(line);
      expect(parsed.kind, line).toBe("other");
      expect(errorCount(parsed)).toBe(0);
    }
  });

  it("reads Go durations", () => {
    expect([
      goDurationSeconds("30s"),
      goDurationSeconds("5m0s"),
      goDurationSeconds("1h2m3.5s"),
      goDurationSeconds("250ms"),
      goDurationSeconds("0"),
    ]).toEqual([30, 300, 3723.5, 0.25, 0]);
    expect([
      goDurationSeconds(""),
      goDurationSeconds("30"),
      goDurationSeconds("s"),
      goDurationSeconds("3x"),
    ]).toEqual([null, null, null, null]);
  });
});

describe("lifecycle lines", () => {
  it.each([
    ["[INFO] Reloading", { type: "reloading" }],
    ["[INFO] Reloading complete", { type: "reloadComplete" }],
    [
      "[ERROR] Restart failed: plugin/cache: cache TTL can not be zero or negative: -5",
      { type: "restartFailed", error: "plugin/cache: cache TTL can not be zero or negative: -5" },
    ],
    [
      "[ERROR] plugin/reload: Corefile changed but reload failed: boom",
      { type: "reloadFailed", error: "boom" },
    ],
    [
      "[WARNING] plugin/reload: Corefile parse failed: Corefile:3 - Error during parsing",
      { type: "corefileParseFailed", error: "Corefile:3 - Error during parsing" },
    ],
    [
      "[INFO] plugin/reload: Running configuration MD5 = 98db3e9553686783b1b41ff79665d08c",
      { type: "configHash", algorithm: "MD5", hash: "98db3e9553686783b1b41ff79665d08c" },
    ],
    [
      '[FATAL] plugin/loop: Loop (127.0.0.1:55953 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 4547991504243258144.3688648895315093531."',
      { type: "loopDetected", zone: "." },
    ],
    ["[INFO] SIGTERM: Shutting down servers then terminating", { type: "shutdown" }],
    ["CoreDNS-1.11.3", { type: "version", coredns: "1.11.3" }],
    [".:53 on 169.254.20.10", { type: "listener", zone: ".", port: 53, address: "169.254.20.10" }],
    ["cluster.local.:53", { type: "listener", zone: "cluster.local.", port: 53, address: null }],
  ])("%s", (line, event) => {
    expect(parseCorednsLogLine(line)).toMatchObject({ kind: "other", event });
  });

  it("reads the plugin name and leaves unknown lines without an event", () => {
    expect(
      parseCorednsLogLine(
        '[WARNING] plugin/health: Local health request to "http://169.254.20.10:8080/health" failed: timeout',
      ),
    ).toMatchObject({
      kind: "other",
      level: "WARNING",
      plugin: "health",
      event: null,
    });
    for (const line of [
      "cluster.local:53 {",
      "    forward . 10.96.0.10 {",
      "    }",
      "linux/amd64, go1.19.8, ",
      "",
      "[INFO]",
      "[NOTICE] hi",
    ]) {
      expect(parseCorednsLogLine(line), line).toMatchObject({ kind: "other", event: null, raw: line });
    }
    expect(parseCorednsLogLine("[NOTICE] hi")).toMatchObject({ level: null, message: "[NOTICE] hi" });
  });
});
