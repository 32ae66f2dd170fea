/**
 * The `errors` plugin's two line shapes, after the `plugin/errors: ` prefix:
 * - one failed query, `log.Errorf("%d %s %s: %s", rcode, qname, qtype, err)`:
 *   `2 svc0.ns0.svc.cluster.local. A: dial tcp 10.0.0.2:53: connect: connection refused`
 * - the `consolidate` summary, `"%d errors like '%s' occurred in last %s"`:
 *   `2 errors like '^read udp .* i/o timeout$' occurred in last 30s`
 */
import { digitsEnd } from "./parse-scan";
import type { ErrorLogLine, ErrorSummaryLogLine, LogLevel } from "./types";

/** Prefix every `errors` plugin message carries (CoreDNS's `clog.NewWithPlugin("errors")`). */
export const ERRORS_PLUGIN_PREFIX = "plugin/errors: ";

/** miekg/dns `RcodeToString`, which CoreDNS uses everywhere it prints an rcode name. */
export const RCODE_NAMES: Readonly<Record<number, string>> = {
  0: "NOERROR",
  1: "FORMERR",
  2: "SERVFAIL",
  3: "NXDOMAIN",
  4: "NOTIMP",
  5: "REFUSED",
  6: "YXDOMAIN",
  7: "YXRRSET",
  8: "NXRRSET",
  9: "NOTAUTH",
  10: "NOTZONE",
  16: "BADSIG",
  17: "BADKEY",
  18: "BADTIME",
  19: "BADMODE",
  20: "BADNAME",
  21: "BADALG",
  22: "BADTRUNC",
  23: "BADCOOKIE",
};

/** Rcode name for a number: 2 → `SERVFAIL`; a number outside the table → `RCODE<n>` as CoreDNS prints it. */
export function rcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `RCODE${rcode}`;
}

/** Parses the text after `plugin/errors: ` as one failed query; null when it does not have that shape. */
export function parseErrorMessage(body: string, raw: string): ErrorLogLine | null {
  const rcodeEnd = digitsEnd(body, 0);
  if (rcodeEnd === 0 || body.charCodeAt(rcodeEnd) !== 32) return null;
  const nameStart = rcodeEnd + 1;
  const nameEnd = unescapedSpace(body, nameStart);
  if (nameEnd <= nameStart) return null;
  const typeStart = nameEnd + 1;
  const colon = body.indexOf(":", typeStart);
  if (colon <= typeStart) return null;
  const type = body.slice(typeStart, colon);
  if (type.includes(" ")) return null;
  // `%s: %s` — the separator is ": "; an empty error text would leave the line ending at the colon+space.
  if (colon + 1 < body.length && body.charCodeAt(colon + 1) !== 32) return null;
  const rcodeNumber = Number(body.slice(0, rcodeEnd));
  return {
    kind: "error",
    rcode: rcodeName(rcodeNumber),
    rcodeNumber,
    name: body.slice(nameStart, nameEnd),
    type,
    message: body.slice(colon + 2),
    raw,
  };
}

const SUMMARY_MIDDLE = " errors like '";
const SUMMARY_TAIL = "' occurred in last ";

/** Parses the text after `plugin/errors: ` as a consolidate summary; null when it is not one. */
export function parseErrorSummaryMessage(
  body: string,
  level: LogLevel,
  raw: string,
): ErrorSummaryLogLine | null {
  const countEnd = digitsEnd(body, 0);
  if (countEnd === 0 || !body.startsWith(SUMMARY_MIDDLE, countEnd)) return null;
  const patternStart = countEnd + SUMMARY_MIDDLE.length;
  // The pattern is the operator's regexp and may itself contain `'`, so look for the tail from the right.
  const tail = body.lastIndexOf(SUMMARY_TAIL);
  if (tail < patternStart) return null;
  const period = body.slice(tail + SUMMARY_TAIL.length);
  if (period === "" || period.includes(" ")) return null;
  return {
    kind: "errorSummary",
    level,
    count: Number(body.slice(0, countEnd)),
    pattern: body.slice(patternStart, tail),
    period,
    periodSeconds: goDurationSeconds(period),
    raw,
  };
}

const GO_UNIT_SECONDS: Readonly<Record<string, number>> = {
  h: 3600,
  m: 60,
  s: 1,
  ms: 1e-3,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ns: 1e-9,
};

/** Seconds in a Go `time.Duration` string (`30s`, `1m0s`, `1h2m3.5s`, `250ms`); null if it is not one. */
export function goDurationSeconds(text: string): number | null {
  if (text === "0") return 0;
  let total = 0;
  let i = 0;
  while (i < text.length) {
    const numStart = i;
    while (i < text.length && ((text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) || text[i] === "."))
      i++;
    if (i === numStart) return null;
    const value = Number(text.slice(numStart, i));
    const unitStart = i;
    while (i < text.length && !(text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) && text[i] !== ".") i++;
    const unit = GO_UNIT_SECONDS[text.slice(unitStart, i)];
    if (unit === undefined || Number.isNaN(value)) return null;
    total += value * unit;
  }
  return text === "" ? null : total;
}

/** Index of the first space at or after `from` that is not escaped by a backslash; -1 if none. */
function unescapedSpace(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 32) return i;
  }
  return -1;
}
