/**
 * CoreDNS's and node-cache's log lines, character for character (coredns-facts.md §1.6, §3): the `log`
 * plugin's common format, the `errors` plugin's line, and Go's `log` timestamp prefix used before
 * CoreDNS switches it off.
 */
import { flagsString, rcodeName, typeName, type DnsMessage } from "./wire";

/** Go's default log prefix "2026/11/21 22:34:59 " (UTC: the container's TZ). */
export function goLogPrefix(t: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${t.getUTCFullYear()}/${p(t.getUTCMonth() + 1)}/${p(t.getUTCDate())} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())} `;
}

/** Go's strconv.FormatFloat(seconds, 'f', -1, 64) + "s" for a duration given in nanoseconds. */
export function formatDurationSeconds(nanos: number): string {
  const ns = Math.max(0, Math.round(nanos));
  const whole = Math.floor(ns / 1e9);
  const frac = String(ns % 1e9)
    .padStart(9, "0")
    .replace(/0+$/, "");
  return frac ? `${whole}.${frac}s` : `${whole}s`;
}

/** Everything the `log` plugin's placeholders can print about one query. */
export interface QueryLogFields {
  remoteIP: string;
  remotePort: number;
  /** The address the query was sent to, as the server saw it (the virtual bind address). */
  localIP: string;
  request: DnsMessage;
  proto: "udp" | "tcp";
  requestSize: number;
  /** state.Size(): 512 / EDNS size over UDP, 65535 over TCP. */
  bufsize: number;
  /** What was written, or null when the chain failed and nothing was (upstream error). */
  response: DnsMessage | null;
  responseSize: number;
  durationNanos: number;
  /** CoreDNS 1.7.0 prints "NOERROR" for a failed query where later versions print "-". */
  legacyEmptyRcode: boolean;
}

/** plugin/log's CommonLogFormat (the default) and CombinedLogFormat. */
export const COMMON_LOG_FORMAT = `{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}`;
export const COMBINED_LOG_FORMAT = `${COMMON_LOG_FORMAT} "{>opcode}"`;

function placeholders(f: QueryLogFields): Record<string, string> {
  const q = f.request.questions[0];
  const doBit = f.request.edns?.do ? "true" : "false";
  return {
    "{type}": q ? typeName(q.type) : "-",
    "{class}": q ? (q.class === 1 ? "IN" : `CLASS${q.class}`) : "-",
    "{name}": q ? q.name.toLowerCase() : "-",
    "{proto}": f.proto,
    "{remote}": f.remoteIP.includes(":") ? `[${f.remoteIP}]` : f.remoteIP,
    "{port}": String(f.remotePort),
    "{local}": f.localIP || "-",
    "{size}": String(f.requestSize),
    "{duration}": formatDurationSeconds(f.durationNanos),
    "{rcode}": f.response ? rcodeName(f.response.rcode) : f.legacyEmptyRcode ? "NOERROR" : "-",
    "{rsize}": String(f.responseSize),
    "{>rflags}": f.response ? flagsString(f.response) || "-" : "-",
    "{>bufsize}": String(f.bufsize),
    "{>do}": doBit,
    "{>id}": String(f.request.id),
    "{>opcode}": opcodeName(f.request.opcode),
  };
}

function opcodeName(opcode: number): string {
  return ["QUERY", "IQUERY", "STATUS", "", "NOTIFY", "UPDATE"][opcode] || String(opcode);
}

/** Fills a `log` FORMAT; `{common}`/`{combined}` expand first; unknown placeholders print "-". */
export function formatLogTemplate(format: string, f: QueryLogFields): string {
  const values = placeholders(f);
  const expanded = format
    .replaceAll("{common}", COMMON_LOG_FORMAT)
    .replaceAll("{combined}", COMBINED_LOG_FORMAT);
  return `[INFO] ${expanded.replace(/\{[^{}\s]*\}/g, (ph) => values[ph] ?? "-")}`;
}

/** `{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}` */
export function formatQueryLog(f: QueryLogFields): string {
  return formatLogTemplate(COMMON_LOG_FORMAT, f);
}

/** `[ERROR] plugin/errors: 2 svc0.ns0.svc.cluster.local. A: dial tcp 10.96.0.11:53: connect: connection refused` */
export function formatErrorsLine(rcode: number, request: DnsMessage, err: string): string {
  const q = request.questions[0];
  return `[ERROR] plugin/errors: ${rcode} ${q ? q.name.toLowerCase() : "."} ${q ? typeName(q.type) : "-"}: ${err}`;
}
