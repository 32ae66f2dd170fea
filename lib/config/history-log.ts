/**
 * The change history as it is kept in the cluster: a ConfigMap the dashboard owns,
 * `node-local-dns-dashboard-history` in the node-local-dns namespace, one data key per change
 * (`change-<id>.json`, the record as JSON without its diff, which is recomputed from the two texts).
 *
 * Bounded, so it never meets the API server's 1 MiB limit on a ConfigMap's data: at most
 * HISTORY_MAX_CHANGES changes and HISTORY_MAX_BYTES of data; adding a change drops the oldest until
 * both hold. With typical Corefiles (1–3 KiB, two texts per change) the count is the bound that bites.
 *
 * Pure: the read-modify-write with the resourceVersion (two replicas never lose each other's entries)
 * is in history-store.ts.
 */
import { ChangeRecordError, parseChangeRecord, type ChangeRecord } from "./history";

/** The ConfigMap's name; deploy/base ships it empty so the dashboard needs no `create` on ConfigMaps. */
export const HISTORY_CONFIGMAP = "node-local-dns-dashboard-history";
/** How many changes are kept. */
export const HISTORY_MAX_CHANGES = 100;
/** How many bytes of data are kept: below the 1 MiB ConfigMap limit, leaving room for metadata. */
export const HISTORY_MAX_BYTES = 900 * 1024;

const KEY_PREFIX = "change-";
const KEY_SUFFIX = ".json";
const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s).length;

/** The data key of a change (ids are base-36 time + hex, both valid ConfigMap key characters). */
export function historyKey(id: string): string {
  return `${KEY_PREFIX}${id.replace(/[^-._a-zA-Z0-9]/g, "_")}${KEY_SUFFIX}`;
}

/** The record as stored: without the diff. */
export function encodeHistoryRecord(r: ChangeRecord): string {
  const { diff: _recomputed, ...rest } = r;
  return JSON.stringify(rest);
}

const newestFirst = (a: ChangeRecord, b: ChangeRecord) =>
  Date.parse(b.at) - Date.parse(a.at) || b.id.localeCompare(a.id);

/** The records in the ConfigMap's data, newest first, and what could not be read. */
export function decodeHistoryData(data: Readonly<Record<string, string>> | undefined): {
  records: ChangeRecord[];
  unreadable: string[];
} {
  const records: ChangeRecord[] = [];
  const unreadable: string[] = [];
  for (const [key, raw] of Object.entries(data ?? {})) {
    if (!key.startsWith(KEY_PREFIX) || !key.endsWith(KEY_SUFFIX)) continue;
    try {
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        throw new ChangeRecordError(`${HISTORY_CONFIGMAP} key ${key}: not JSON`);
      }
      records.push(parseChangeRecord(json, `${HISTORY_CONFIGMAP} key ${key}`));
    } catch (e) {
      if (e instanceof ChangeRecordError) unreadable.push(e.message);
      else throw e;
    }
  }
  records.sort(newestFirst);
  return { records, unreadable };
}

/** Bounds, overridable in tests. */
export interface HistoryBounds {
  maxChanges: number;
  maxBytes: number;
}

const DEFAULT_BOUNDS: HistoryBounds = { maxChanges: HISTORY_MAX_CHANGES, maxBytes: HISTORY_MAX_BYTES };

/**
 * The data with `record` added and the oldest changes dropped until the bounds hold. Keys that are
 * not changes are kept as they are. Throws ChangeRecordError when the record alone is too large.
 */
export function withHistoryRecord(
  data: Readonly<Record<string, string>> | undefined,
  record: ChangeRecord,
  bounds: HistoryBounds = DEFAULT_BOUNDS,
): { data: Record<string, string>; dropped: string[] } {
  const key = historyKey(record.id);
  const value = encodeHistoryRecord(record);
  if (bytes(key) + bytes(value) > bounds.maxBytes) {
    throw new ChangeRecordError(
      `change ${record.id} is too large to keep in ${HISTORY_CONFIGMAP} (${bytes(value)} bytes; at most ` +
        `${bounds.maxBytes}): the Corefiles are unusually large`,
    );
  }
  const out: Record<string, string> = { ...data, [key]: value };
  // Oldest first; unreadable entries count as oldest so they are dropped first.
  const entries = Object.entries(out)
    .filter(([k]) => k.startsWith(KEY_PREFIX) && k.endsWith(KEY_SUFFIX))
    .map(([k, v]) => ({ key: k, at: timeOf(v), size: bytes(k) + bytes(v) }))
    .sort((a, b) => a.at - b.at || a.key.localeCompare(b.key));
  let total = Object.entries(out).reduce((n, [k, v]) => n + bytes(k) + bytes(v), 0);
  let count = entries.length;
  const dropped: string[] = [];
  for (const e of entries) {
    if (count <= bounds.maxChanges && total <= bounds.maxBytes) break;
    if (e.key === key) continue;
    delete out[e.key];
    dropped.push(e.key);
    total -= e.size;
    count--;
  }
  return { data: out, dropped };
}

function timeOf(raw: string): number {
  try {
    const t = Date.parse((JSON.parse(raw) as { at?: string }).at ?? "");
    return Number.isNaN(t) ? -Infinity : t;
  } catch {
    return -Infinity;
  }
}

/**
 * One history from the ConfigMap's records and the Events' (Events may still hold changes the
 * ConfigMap could not take, e.g. when it was missing): unique by id, newest first.
 */
export function mergeHistories(...lists: readonly (readonly ChangeRecord[])[]): ChangeRecord[] {
  const byId = new Map<string, ChangeRecord>();
  for (const list of lists) for (const r of list) if (!byId.has(r.id)) byId.set(r.id, r);
  return [...byId.values()].sort(newestFirst);
}

/**
 * The changes that led from version `from` to version `to`, newest first, following each record's
 * resourceVersionBefore (resourceVersions are opaque: never compared as numbers). Stops where the
 * chain leaves the history (a write that changed no Corefile text has no record).
 */
export function changesBetween(records: readonly ChangeRecord[], from: string, to: string): ChangeRecord[] {
  const byAfter = new Map(records.map((r) => [r.resourceVersionAfter, r]));
  const out: ChangeRecord[] = [];
  let rv = to;
  while (rv !== from) {
    const r = byAfter.get(rv);
    if (!r || out.includes(r)) break;
    out.push(r);
    rv = r.resourceVersionBefore;
  }
  return out;
}
