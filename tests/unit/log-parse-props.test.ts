/** Properties of the log-line parser over generated input (fast-check). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCorednsLogLine } from "@/lib/logs/parse";
import { digitsValue } from "@/lib/logs/parse-scan";

const KINDS = ["query", "error", "errorSummary", "other"];

/** Characters that drive the parser's branches, so random strings reach deep into it. */
const logAlphabet = fc.constantFrom(
  "[INFO] ",
  "[ERROR] ",
  "[WARNING] ",
  "plugin/errors: ",
  " - ",
  '"',
  " ",
  ":",
  "[",
  "]",
  "\\",
  "-",
  ".",
  "0",
  "1",
  "9",
  "s",
  "A",
  "IN",
  "udp",
  "tcp",
  "true",
  "false",
  "NOERROR",
  "qr,aa",
  "'",
  " errors like '",
  "' occurred in last ",
  "\r",
  "\n",
  "2026/11/21 22:34:59 ",
  "CoreDNS-",
  " on ",
  "é",
  "\u0000",
);
const logish = fc.array(logAlphabet, { maxLength: 40 }).map((parts) => parts.join(""));

/** A label as CoreDNS prints it: plain characters plus the escapes miekg/dns emits. */
const label = fc
  .array(
    fc.oneof(
      fc.constantFrom("a", "z", "0", "-", "_", "<", ">", "/", "'"),
      fc.constantFrom("\\.", "\\ ", '\\"', "\\\\", "\\032", "\\255"),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => parts.join(""));
const printedName = fc.oneof(
  fc.constant("."),
  fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => `${labels.join(".")}.`),
);

const token = fc.stringMatching(/^[A-Za-z0-9]{1,8}$/);
const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6().map((ip) => `[${ip}]`);

const queryFields = fc.record({
  remote: fc.oneof(ipv4, ipv6),
  port: fc.nat(65535),
  id: fc.nat(65535),
  type: token,
  klass: token,
  name: printedName,
  proto: fc.constantFrom("udp", "tcp"),
  size: fc.nat(4096),
  doBit: fc.constantFrom("true", "false", "-"),
  buf: fc.oneof(fc.nat(65535).map(String), fc.constant("-")),
  rcode: fc.oneof(token, fc.constant("-")),
  flags: fc.oneof(
    fc.constant("-"),
    fc.subarray(["qr", "aa", "tc", "rd", "ra", "ad", "cd"], { minLength: 1 }).map((f) => f.join(",")),
  ),
  rsize: fc.nat(65535),
  duration: fc
    .tuple(fc.nat(5), fc.nat(999_999_999))
    .map(([s, ns]) => (ns === 0 ? `${s}` : `${s}.${String(ns).padStart(9, "0").replace(/0+$/, "")}`)),
  opcode: fc.option(fc.constantFrom("QUERY", "NOTIFY", "UPDATE"), { nil: undefined }),
});
type QueryFields = typeof queryFields extends fc.Arbitrary<infer T> ? T : never;

/** The `log` plugin's CommonLogFormat / CombinedLogFormat, filled in as CoreDNS does. */
function format(f: QueryFields): string {
  const common = `[INFO] ${f.remote}:${f.port} - ${f.id} "${f.type} ${f.klass} ${f.name} ${f.proto} ${f.size} ${f.doBit} ${f.buf}" ${f.rcode} ${f.flags} ${f.rsize} ${f.duration}s`;
  return f.opcode === undefined ? common : `${common} "${f.opcode}"`;
}

// 5,500 generated lines in all: seconds on an idle machine, far more under load; never a default timeout.
describe("parseCorednsLogLine properties", { timeout: 120_000 }, () => {
  it("never throws on any string, and keeps it byte for byte in raw", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), logish), (line) => {
        const parsed = parseCorednsLogLine(line);
        expect(parsed.raw).toBe(line);
        expect(KINDS).toContain(parsed.kind);
      }),
      { numRuns: 3000 },
    );
  });

  it("reads back every field of any line the log plugin can print", () => {
    fc.assert(
      fc.property(queryFields, (f) => {
        const line = format(f);
        const parsed = parseCorednsLogLine(line);
        expect(parsed).toEqual({
          kind: "query",
          clientIp: f.remote.replace(/^\[|\]$/g, ""),
          clientPort: f.port,
          queryId: f.id,
          type: f.type,
          class: f.klass,
          name: f.name,
          proto: f.proto,
          requestSize: f.size,
          doBit: f.doBit === "-" ? null : f.doBit === "true",
          bufSize: f.buf === "-" ? null : Number(f.buf),
          rcode: f.rcode === "-" ? null : f.rcode,
          flags: f.flags === "-" ? [] : f.flags.split(","),
          responseSize: f.rsize,
          durationSeconds: Number(f.duration),
          ...(f.opcode === undefined ? {} : { opcode: f.opcode }),
          raw: line,
        });
      }),
      { numRuns: 1000 },
    );
  });

  it("never reads a truncated query line as a query", () => {
    fc.assert(
      fc.property(queryFields, fc.nat(), (f, cut) => {
        const line = format({ ...f, opcode: undefined });
        const prefix = line.slice(0, cut % line.length);
        expect(parseCorednsLogLine(prefix).kind).toBe("other");
      }),
      { numRuns: 1000 },
    );
  });

  it("reads back every field of any errors-plugin line", () => {
    fc.assert(
      fc.property(fc.nat(23), printedName, token, fc.string({ maxLength: 60 }), (rcode, name, type, err) => {
        const line = `[ERROR] plugin/errors: ${rcode} ${name} ${type}: ${err}`;
        expect(parseCorednsLogLine(line)).toMatchObject({
          kind: "error",
          rcodeNumber: rcode,
          name,
          type,
          message: err,
          raw: line,
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe("digitsValue", () => {
  it("is Number() of the digits, also with leading zeros and past 2^53", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,25}$/), fc.nat(3), (digits, pad) => {
        const s = `x${"0".repeat(pad)}${digits}y`;
        expect(digitsValue(s, 1, s.length - 1)).toBe(Number(s.slice(1, -1)));
      }),
      { numRuns: 1000 },
    );
  });
});
