/**
 * `JSON.stringify` of a `LogLineEvent`, written out by hand for query lines (nearly every line at
 * high rates). Node 20's `JSON.stringify` walks an event's ~20 properties at about 4 µs a line — the
 * largest cost of the live-log pipeline; concatenating the known fields in their known order, with
 * only the strings that may need it escaped, gives the same text several times faster. Other kinds
 * (a few lines a minute) go through `JSON.stringify`. Pure; for every line `parseCorednsLogLine`
 * returns, the output is byte-for-byte `JSON.stringify(event)` (tests/unit/log-event-json.test.ts).
 */
import type { LogLineEvent, QueryLogLine } from "./types";

/** Characters `JSON.stringify` escapes in a string: controls, `"`, `\` and lone surrogates. */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;
/** The same but the quote, which a query line always has (around its question). */
const NEEDS_ESCAPE_BUT_QUOTE = /[\u0000-\u001f\\\ud800-\udfff]/;

/** A string as JSON: quoted as is when nothing in it needs escaping. */
function str(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** A string known to need no escaping, as JSON. */
function plain(s: string): string {
  return `"${s}"`;
}

/** The last node and pod names and their JSON: a pod's lines come in runs. */
const memo = { node: "", nodeJson: '""', pod: "", podJson: '""' };

function num(n: number): string {
  return Number.isFinite(n) ? `${n}` : "null";
}

function nullableNum(n: number | null): string {
  return n === null ? "null" : num(n);
}

function quotes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i !== -1; i = s.indexOf('"', i + 1)) n++;
  return n;
}

function queryJson(q: QueryLogLine): string {
  const { raw } = q;
  // Every string of a query line is a piece of its raw text outside the quotes that delimit the
  // question (and the {combined} opcode). When the raw text has no other quote and nothing else
  // JSON escapes, no piece needs escaping, and the raw text only its quotes.
  const simple = !NEEDS_ESCAPE_BUT_QUOTE.test(raw) && quotes(raw) === (q.opcode === undefined ? 2 : 4);
  const s = simple ? plain : str;
  let flags = "[";
  for (let i = 0; i < q.flags.length; i++) flags += (i === 0 ? "" : ",") + s(q.flags[i] as string);
  // The properties in the order parseQueryMessage creates them, which is JSON.stringify's order.
  return (
    `{"kind":"query","clientIp":${s(q.clientIp)},"clientPort":${num(q.clientPort)},` +
    `"queryId":${num(q.queryId)},"type":${s(q.type)},"class":${s(q.class)},"name":${s(q.name)},` +
    `"proto":${s(q.proto)},"requestSize":${num(q.requestSize)},` +
    `"doBit":${q.doBit === null ? "null" : q.doBit ? "true" : "false"},"bufSize":${nullableNum(q.bufSize)},` +
    `"rcode":${q.rcode === null ? "null" : s(q.rcode)},"flags":${flags}],"responseSize":${num(q.responseSize)},` +
    `"durationSeconds":${num(q.durationSeconds)},"raw":${simple ? `"${raw.replaceAll('"', '\\"')}"` : JSON.stringify(raw)}` +
    (q.opcode === undefined ? "}" : `,"opcode":${s(q.opcode)}}`)
  );
}

/**
 * `JSON.stringify(event)` for an event of a line from `parseCorednsLogLine` (a query line built
 * elsewhere with its properties in another order reads back the same, in that other order).
 */
export function logLineEventJson(event: LogLineEvent): string {
  const { line, node, pod, time } = event;
  if (line.kind !== "query") return JSON.stringify(event);
  if (node !== memo.node) {
    memo.node = node;
    memo.nodeJson = str(node);
  }
  if (pod !== memo.pod) {
    memo.pod = pod;
    memo.podJson = str(pod);
  }
  return `{"node":${memo.nodeJson},"pod":${memo.podJson},"time":${time === null ? "null" : str(time)},"line":${queryJson(line)}}`;
}
