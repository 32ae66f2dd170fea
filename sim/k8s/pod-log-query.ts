/**
 * `pods/log` query parameters and line selection, as the API server validates them and the kubelet
 * applies them (pure; the streaming lives in pod-log.ts).
 */
import crypto from "node:crypto";
import { badRequest, StoreError } from "./errors";
import type { LogEntry } from "../runtime";

/** PodLogOptions (core/v1) as the simulation honours them. */
export interface PodLogQuery {
  container: string | undefined;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines: number | undefined;
  sinceTime: Date | undefined;
  sinceSeconds: number | undefined;
  limitBytes: number | undefined;
}

function bool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === "" || v === "false" || v === "0") return false;
  if (v === "true" || v === "1") return true;
  throw badRequest(`${name}: Invalid value: "${v}": must be a boolean`);
}

function positiveInt(q: URLSearchParams, name: string, min: number): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`${name}: Invalid value: "${v}": must be an integer`);
  const n = Number(v);
  if (n < min)
    throw new StoreError(
      422,
      "Invalid",
      `PodLogOptions "" is invalid: ${name}: Invalid value: ${n}: must be ${min === 0 ? "greater than or equal to 0" : "greater than 0"}`,
    );
  return n;
}

/** Parses and validates the query string of `GET .../pods/{name}/log`. */
export function parsePodLogQuery(q: URLSearchParams): PodLogQuery {
  const sinceTimeText = q.get("sinceTime");
  let sinceTime: Date | undefined;
  if (sinceTimeText !== null) {
    sinceTime = new Date(sinceTimeText);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(sinceTimeText) || Number.isNaN(sinceTime.getTime())) {
      throw badRequest(`sinceTime: Invalid value: "${sinceTimeText}": must be an RFC3339 time`);
    }
  }
  const sinceSeconds = positiveInt(q, "sinceSeconds", 1);
  if (sinceTime && sinceSeconds !== undefined) {
    throw new StoreError(
      422,
      "Invalid",
      `PodLogOptions "" is invalid: []: Forbidden: at most one of \`sinceTime\` or \`sinceSeconds\` may be specified`,
    );
  }
  return {
    container: q.get("container") || undefined,
    follow: bool(q, "follow"),
    previous: bool(q, "previous"),
    timestamps: bool(q, "timestamps"),
    tailLines: positiveInt(q, "tailLines", 0),
    sinceTime,
    sinceSeconds,
    limitBytes: positiveInt(q, "limitBytes", 1),
  };
}

/** The earliest entry time the query admits, if any. */
export function sinceOf(query: PodLogQuery, now: Date): Date | undefined {
  if (query.sinceTime) return query.sinceTime;
  if (query.sinceSeconds !== undefined) return new Date(now.getTime() - query.sinceSeconds * 1000);
  return undefined;
}

/** Entries the query selects from what is stored now: since-filter first, then the tail. */
export function selectEntries(entries: readonly LogEntry[], query: PodLogQuery, now: Date): LogEntry[] {
  const since = sinceOf(query, now);
  const admitted = since ? entries.filter((e) => e.time.getTime() >= since.getTime()) : [...entries];
  if (query.tailLines === undefined) return admitted;
  return query.tailLines === 0 ? [] : admitted.slice(-query.tailLines);
}

function hash32(text: string): number {
  return crypto.createHash("sha1").update(text).digest().readUInt32BE(0);
}

/**
 * The kubelet's `--timestamps` prefix: RFC3339 with exactly nine fraction digits (kubelet's
 * timeFormatOut). JS clocks stop at milliseconds, so the last six digits are made up: stable for a
 * given entry, and increasing with `ordinal`, the entry's position among entries of the same
 * millisecond, so lines never appear to go back in time.
 */
export function formatTimestamp(entry: LogEntry, ordinal = 0): string {
  const ms = entry.time.getTime();
  const start = hash32(String(ms)) % 400_000;
  const sub = Math.min(999_999, start + ordinal * 3000 + (hash32(`${ms}/${ordinal}`) % 3000));
  return `${entry.time.toISOString().slice(0, 23)}${String(sub).padStart(6, "0")}Z`;
}

/** Numbers entries within their millisecond, fed in log order (see formatTimestamp). */
export function ordinalCounter(): (entry: LogEntry) => number {
  let lastMs = NaN;
  let n = 0;
  return (entry) => {
    const ms = entry.time.getTime();
    n = ms === lastMs ? n + 1 : 0;
    lastMs = ms;
    return n;
  };
}

/** One line as the API server streams it. */
export function formatLine(entry: LogEntry, timestamps: boolean, ordinal = 0): string {
  const text = entry.text.endsWith("\n") ? entry.text : `${entry.text}\n`;
  return timestamps ? `${formatTimestamp(entry, ordinal)} ${text}` : text;
}
