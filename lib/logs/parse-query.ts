/**
 * The `log` plugin's query line, read by a hand scanner rather than one big regex: it runs at tens of
 * thousands of lines a second, and scanning lets a name contain what CoreDNS escapes into it
 * (`\ `, `\"`) without a backtracking pattern.
 *
 * Layout (`plugin/log/log.go`, identical from CoreDNS 1.7.0 to 1.13):
 *   {remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}
 * plus ` "{>opcode}"` for `{combined}`. Every field except the name is a single token with no space or
 * quote, so the line is read from both ends: the prefix up to the opening quote from the left, the
 * tail from the right, and whatever sits between `{class}` and `{proto}` is the name.
 */
import { digitsEnd, digitsValue } from "./parse-scan";
import type { QueryLogLine } from "./types";

const SPACE = 32;
const QUOTE = 34;
const COLON = 58;
const OPEN_BRACKET = 91;

/**
 * Parses `message`, the text after `[INFO] `, as a query line; null when it is not one (or is
 * truncated). `raw` is stored as given.
 */
export function parseQueryMessage(message: string, raw: string): QueryLogLine | null {
  const m = message;
  let i = 0;

  // {remote}: an IPv6 address comes in brackets, anything else runs up to the first colon.
  let clientIp: string;
  if (m.charCodeAt(0) === OPEN_BRACKET) {
    const close = m.indexOf("]", 1);
    if (close < 2 || m.charCodeAt(close + 1) !== COLON) return null;
    clientIp = m.slice(1, close);
    i = close + 2;
  } else {
    const colon = m.indexOf(":");
    if (colon < 1) return null;
    clientIp = m.slice(0, colon);
    if (hasWhitespace(clientIp)) return null;
    i = colon + 1;
  }

  const portEnd = digitsEnd(m, i);
  if (portEnd === i || !m.startsWith(" - ", portEnd)) return null;
  const clientPort = digitsValue(m, i, portEnd);

  const idStart = portEnd + 3;
  const idEnd = digitsEnd(m, idStart);
  if (idEnd === idStart || !m.startsWith(' "', idEnd)) return null;
  const queryId = digitsValue(m, idStart, idEnd);
  const questionStart = idEnd + 2;

  // {combined}: the line ends in ` "QUERY"`. A {common} line always ends in the duration's `s`.
  let end = m.length;
  let opcode: string | undefined;
  if (m.charCodeAt(end - 1) === QUOTE) {
    const open = lastSpaceQuote(m, end - 2);
    if (open <= questionStart) return null;
    opcode = m.slice(open + 2, end - 1);
    if (opcode === "" || hasSpaceOrQuote(opcode)) return null;
    end = open;
  }

  // The tail, right to left: {duration} {rsize} {>rflags} {rcode}.
  const durationStart = tokenStart(m, end, questionStart);
  const rsizeStart = tokenStart(m, durationStart - 1, questionStart);
  const flagsStart = tokenStart(m, rsizeStart - 1, questionStart);
  const rcodeStart = tokenStart(m, flagsStart - 1, questionStart);
  if (rcodeStart < 0 || m.charCodeAt(rcodeStart - 2) !== QUOTE || rcodeStart - 2 < questionStart) return null;
  const durationSeconds = parseDuration(m.slice(durationStart, end));
  const responseSize = parseDigits(m, rsizeStart, durationStart - 1);
  const flagsText = m.slice(flagsStart, rsizeStart - 1);
  const rcodeText = m.slice(rcodeStart, flagsStart - 1);
  if (durationSeconds === null || responseSize === null || flagsText === "" || rcodeText === "") return null;

  // Inside the quotes: {type} {class} from the left, {proto} {size} {>do} {>bufsize} from the right.
  const questionEnd = rcodeStart - 2;
  const typeEnd = m.indexOf(" ", questionStart);
  if (typeEnd <= questionStart || typeEnd >= questionEnd) return null;
  const classEnd = m.indexOf(" ", typeEnd + 1);
  if (classEnd <= typeEnd + 1 || classEnd >= questionEnd) return null;
  const nameStart = classEnd + 1;
  const bufStart = tokenStart(m, questionEnd, nameStart);
  const doStart = tokenStart(m, bufStart - 1, nameStart);
  const sizeStart = tokenStart(m, doStart - 1, nameStart);
  const protoStart = tokenStart(m, sizeStart - 1, nameStart);
  // The name needs at least one character between {class} and {proto}.
  if (protoStart < 0 || protoStart - 1 <= nameStart) return null;
  const bufText = m.slice(bufStart, questionEnd);
  const bufSize = bufText === "-" ? null : parseDigits(m, bufStart, questionEnd);
  const doBit = parseDoBit(m.slice(doStart, bufStart - 1));
  const requestSize = parseDigits(m, sizeStart, doStart - 1);
  const proto = m.slice(protoStart, sizeStart - 1);
  if ((bufSize === null && bufText !== "-") || doBit === undefined || requestSize === null || proto === "") {
    return null;
  }

  const line: QueryLogLine = {
    kind: "query",
    clientIp,
    clientPort,
    queryId,
    type: m.slice(questionStart, typeEnd),
    class: m.slice(typeEnd + 1, classEnd),
    name: m.slice(nameStart, protoStart - 1),
    proto,
    requestSize,
    doBit,
    bufSize,
    rcode: rcodeText === "-" ? null : rcodeText,
    flags: flagsText === "-" ? [] : flagsText.split(","),
    responseSize,
    durationSeconds,
    raw,
  };
  if (opcode !== undefined) line.opcode = opcode;
  return line;
}

/**
 * True when the line records a query that got no answer from upstream. CoreDNS ≥1.10 prints rcode
 * `-`; 1.7.0 prints `NOERROR` with flags `-` and size 0, which is not a real NOERROR (a real
 * response always has at least the `qr` flag and a 12-byte header).
 */
export function looksLikeFailedUpstream(line: QueryLogLine): boolean {
  return line.rcode === null || (line.flags.length === 0 && line.responseSize === 0);
}

/**
 * Start of the single-space-separated token ending at `end` (exclusive), or -1 when the token would be
 * empty or reach back to `floor`. Chained calls pass `previousStart - 1`, so -1 propagates as failure.
 */
function tokenStart(s: string, end: number, floor: number): number {
  if (end <= floor) return -1;
  // A backward scan rather than lastIndexOf, a runtime call in V8 that costs more than these short
  // tokens take to scan (most of all on a line sliced from a larger chunk). A space below `floor`
  // fails like none at all.
  let space = end - 1;
  while (space >= floor && s.charCodeAt(space) !== SPACE) space--;
  if (space < floor || space === end - 1) return -1;
  return space + 1;
}

/** `s.lastIndexOf(' "', from)`, scanning backward (see tokenStart). */
function lastSpaceQuote(s: string, from: number): number {
  for (let i = Math.min(from, s.length - 2); i >= 0; i--)
    if (s.charCodeAt(i) === SPACE && s.charCodeAt(i + 1) === QUOTE) return i;
  return -1;
}

/** The number written in s[from, to) if it is all digits (and not empty), else null. */
function parseDigits(s: string, from: number, to: number): number | null {
  if (to <= from || digitsEnd(s, from) !== to) return null;
  return digitsValue(s, from, to);
}

/** `{duration}` is Go's `strconv.FormatFloat(seconds, 'f', -1, 64) + "s"`: digits and one dot, then `s`. */
function parseDuration(token: string): number | null {
  if (token.length < 2 || token.charCodeAt(token.length - 1) !== 115 /* s */) return null;
  const digits = token.slice(0, -1);
  let dots = 0;
  for (let k = 0; k < digits.length; k++) {
    const c = digits.charCodeAt(k);
    if (c === 46) dots++;
    else if (c < 48 || c > 57) return null;
  }
  if (dots > 1 || digits === ".") return null;
  return Number(digits);
}

/** `true`/`false`/`-` (null); undefined for anything else. */
function parseDoBit(token: string): boolean | null | undefined {
  if (token === "true") return true;
  if (token === "false") return false;
  if (token === "-") return null;
  return undefined;
}

function hasWhitespace(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === SPACE || (c >= 9 && c <= 13)) return true;
  }
  return false;
}

function hasSpaceOrQuote(s: string): boolean {
  return s.includes(" ") || s.includes('"');
}
