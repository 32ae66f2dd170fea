/**
 * Printing parsed samples: as the JSON lines of fixtures/coredns/expfmt/ (what Prometheus's Go parser
 * read from each dump, so the two can be compared byte for byte), and back as exposition text.
 */
import { formatGoFloat, formatJsonNumber } from "./format-float";
import type { MetricFamily, Sample } from "./samples";

/**
 * Compares strings in UTF-8 byte order, as Go sorts map keys and strings. JavaScript's `<` compares
 * UTF-16 code units, which differs only between astral characters and U+E000..U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after U+E000..U+FFFF in code point / UTF-8 order.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

function sortedLabelNames(labels: Record<string, string>): string[] {
  return Object.keys(labels).sort(compareUtf8);
}

/**
 * The expfmt fixtures' order: by sample name, then by label pairs (name, then value) taken in label
 * name order, a shorter label set first when one is a prefix of the other.
 */
export function compareSamples(a: Sample, b: Sample): number {
  const byName = compareUtf8(a.name, b.name);
  if (byName !== 0) return byName;
  const ka = sortedLabelNames(a.labels);
  const kb = sortedLabelNames(b.labels);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const na = ka[i] as string;
    const nb = kb[i] as string;
    const c = compareUtf8(na, nb) || compareUtf8(a.labels[na] as string, b.labels[nb] as string);
    if (c !== 0) return c;
  }
  return ka.length - kb.length;
}

/** A sorted copy, in the order of the expfmt .jsonl fixtures. */
export function sortSamples(samples: readonly Sample[]): Sample[] {
  return [...samples].sort(compareSamples);
}

/**
 * A string as Go's encoding/json writes it: like JSON.stringify, plus Go's HTML-safe escapes of
 * `<`, `>`, `&` and the JavaScript line separators U+2028/U+2029.
 */
function goJsonString(s: string): string {
  const json = JSON.stringify(s);
  return /[<>&\u2028\u2029]/.test(json)
    ? json.replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)
    : json;
}

/**
 * One sample as a line of the expfmt fixtures: keys family, type, name, labels (sorted), value; the
 * value a JSON number or the string "NaN", "+Inf" or "-Inf". The timestamp is not part of the line.
 */
export function sampleToJsonLine(s: Sample): string {
  let labels = "";
  for (const key of sortedLabelNames(s.labels)) {
    labels += `${labels === "" ? "" : ","}${goJsonString(key)}:${goJsonString(s.labels[key] as string)}`;
  }
  const v = s.value;
  const value = Number.isFinite(v) ? formatJsonNumber(v) : `"${formatGoFloat(v)}"`;
  return `{"family":${goJsonString(s.family)},"type":"${s.type}","name":${goJsonString(s.name)},"labels":{${labels}},"value":${value}}`;
}

function escapeLabelValue(v: string): string {
  let out = "";
  let chunk = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c !== 92 && c !== 34 && c !== 10) continue;
    out += v.slice(chunk, i) + (c === 92 ? "\\\\" : c === 34 ? '\\"' : "\\n");
    chunk = i + 1;
  }
  return chunk === 0 ? v : out + v.slice(chunk);
}

function escapeHelp(v: string): string {
  return v.replace(/[\\\n]/g, (ch) => (ch === "\\" ? "\\\\" : "\\n"));
}

/**
 * Exposition text for `families`, as Prometheus's client libraries write it: HELP (when non-empty),
 * TYPE, then each sample with labels in their stored order and the value in Go's float form. Parsing
 * the result gives the same families back.
 */
export function formatPrometheusText(families: Iterable<MetricFamily>): string {
  const parts: string[] = [];
  for (const f of families) {
    if (f.help !== "") parts.push(`# HELP ${f.name} ${escapeHelp(f.help)}\n`);
    parts.push(`# TYPE ${f.name} ${f.type.toLowerCase()}\n`);
    for (const s of f.samples) {
      let line = s.name;
      const keys = Object.keys(s.labels);
      if (keys.length > 0)
        line += `{${keys.map((k) => `${k}="${escapeLabelValue(s.labels[k] as string)}"`).join(",")}}`;
      line += ` ${formatGoFloat(s.value)}`;
      if (s.timestampMs !== undefined) line += ` ${s.timestampMs}`;
      parts.push(line + "\n");
    }
  }
  return parts.join("");
}
