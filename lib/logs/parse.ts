/**
 * Turns one line of node-local-dns output into a `CorednsLogLine`. Pure, never throws, keeps every
 * line (unknown text becomes kind "other"), and is cheap enough for a 50,000 lines/s filter: the hot
 * path (query lines) is a hand scanner, and nothing here can backtrack badly.
 *
 * A line may carry, outside to inside:
 * 1. the kubelet's RFC 3339 timestamp when read with `timestamps=true` — strip it first with
 *    `splitKubeletTimestamp`, this function does not;
 * 2. Go's `2026/11/21 22:34:59 ` prefix, only on node-cache lines printed before CoreDNS starts;
 * 3. `[INFO] ` / `[WARNING] ` / `[ERROR] ` / `[FATAL] ` / `[DEBUG] `, or nothing (banner, listeners,
 *    Corefile dump);
 * 4. the message, which may begin with `plugin/<name>: `.
 */
import { parseErrorMessage, parseErrorSummaryMessage, ERRORS_PLUGIN_PREFIX } from "./parse-error";
import { classifyEvent } from "./parse-event";
import { parseQueryMessage } from "./parse-query";
import type { CorednsLogLine, LogLevel, OtherLogLine } from "./types";

export type * from "./types";
export { isSearchPathExpansion, splitDnsLabels } from "./parse-name";
export { looksLikeFailedUpstream } from "./parse-query";
export { goDurationSeconds, rcodeName } from "./parse-error";

const LEVEL_PREFIXES: readonly (readonly [string, LogLevel])[] = [
  ["[INFO] ", "INFO"],
  ["[ERROR] ", "ERROR"],
  ["[WARNING] ", "WARNING"],
  ["[FATAL] ", "FATAL"],
  ["[DEBUG] ", "DEBUG"],
];

/** `2026/11/21 22:34:59 ` (Go's `log.LstdFlags`), optionally with `.123456` (`log.Lmicroseconds`). */
const GO_TIME = /^(\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d(?:\.\d{1,9})?) /;

/** RFC 3339 (nano) timestamp and one space, as the kubelet prefixes each line with `timestamps=true`. */
const KUBELET_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) /;

/** Parses one line (without or with its `\n`/`\r\n`; the line ending is ignored but kept in `raw`). */
export function parseCorednsLogLine(line: string): CorednsLogLine {
  const text = stripLineEnding(line);
  let goTime: string | null = null;
  let rest = text;
  // Only a digit can start Go's timestamp; checking it first keeps the regex off the hot path.
  const first = text.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    const match = GO_TIME.exec(text);
    if (match?.[1]) {
      goTime = match[1];
      rest = text.slice(match[0].length);
    }
  }

  let level: LogLevel | null = null;
  let message = rest;
  if (rest.charCodeAt(0) === 91 /* [ */) {
    for (const [prefix, name] of LEVEL_PREFIXES) {
      if (hasPrefix(rest, prefix)) {
        level = name;
        message = rest.slice(prefix.length);
        break;
      }
    }
  }

  // Query and errors lines are printed by CoreDNS after it cleared Go's log flags, so they never carry
  // a Go timestamp; one that does is not from the plugins and stays "other".
  if (goTime === null && level !== null) {
    if (level === "INFO") {
      const query = parseQueryMessage(message, line);
      if (query) return query;
    }
    if (message.startsWith(ERRORS_PLUGIN_PREFIX)) {
      const body = message.slice(ERRORS_PLUGIN_PREFIX.length);
      const summary = parseErrorSummaryMessage(body, level, line);
      if (summary) return summary;
      if (level === "ERROR") {
        const error = parseErrorMessage(body, line);
        if (error) return error;
      }
    }
  }
  return other(line, level, goTime, message);
}

function other(raw: string, level: LogLevel | null, goTime: string | null, message: string): OtherLogLine {
  return {
    kind: "other",
    level,
    goTime,
    plugin: pluginOf(message),
    message,
    event: classifyEvent(level, message),
    raw,
  };
}

/** `reload` for `plugin/reload: …`; null when there is no `plugin/<name>: ` prefix. */
function pluginOf(message: string): string | null {
  if (!message.startsWith("plugin/")) return null;
  const colon = message.indexOf(": ", 7);
  if (colon <= 7) return null;
  const name = message.slice(7, colon);
  return name.includes(" ") ? null : name;
}

/** `s.startsWith(prefix)` for a short prefix, compared by code unit: V8's startsWith costs a call. */
function hasPrefix(s: string, prefix: string): boolean {
  if (s.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (s.charCodeAt(i) !== prefix.charCodeAt(i)) return false;
  return true;
}

function stripLineEnding(line: string): string {
  let end = line.length;
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== 10 && c !== 13) break;
    end--;
  }
  return end === line.length ? line : line.slice(0, end);
}

/**
 * Splits off the timestamp that `kubectl logs --timestamps` / `pods/log?timestamps=true` puts in front
 * of each line: `"2026-11-21T22:34:59.123456789Z [INFO] …"` → `{ time: "2026-11-21T22:34:59.123456789Z",
 * rest: "[INFO] …" }`. A line without one comes back whole with `time: null`.
 */
export function splitKubeletTimestamp(line: string): { time: string | null; rest: string } {
  const first = line.charCodeAt(0);
  if (first < 48 || first > 57) return { time: null, rest: line };
  const match = KUBELET_TIME.exec(line);
  if (!match?.[1]) return { time: null, rest: line };
  return { time: match[1], rest: line.slice(match[0].length) };
}

/**
 * How many upstream/plugin errors a line stands for: 1 for an `errors` line, `count` for a consolidate
 * summary (its errors were not printed one by one), 0 otherwise. Sum it to count errors per node.
 */
export function errorCount(line: CorednsLogLine): number {
  if (line.kind === "error") return 1;
  if (line.kind === "errorSummary") return line.count;
  return 0;
}
