/**
 * The record of each change to the Corefile — who, when, what, and both texts so any change can be
 * rolled back. Kept in the history ConfigMap (history-log.ts: the last changes, bounded) and, for
 * changes made through the dashboard, also as a Kubernetes Event on the ConfigMap, so it is visible
 * with `kubectl describe configmap node-local-dns`.
 *
 * Events are garbage-collected: the API server deletes them after its --event-ttl, 1 hour by default;
 * the history ConfigMap is what keeps older changes.
 */
import type { CoreV1Event } from "@kubernetes/client-node";
import { z } from "zod";
import { unifiedDiff } from "./diff";

/**
 * What kind of change. "log-auto-off": the dashboard turned timed query logging off again;
 * "outside": the ConfigMap was written by something else (kubectl, GitOps, another tool).
 */
export type ChangeAction = "apply" | "rollback" | "log-auto-off" | "outside";

/** Where a change was made: through the dashboard, or outside it (seen by watching the ConfigMap). */
export type ChangeSource = "dashboard" | "outside";

/** One change to the Corefile, as recorded. */
export interface ChangeRecord {
  /** Unique id chosen by the writer (e.g. a time-ordered random string); rollback names it. */
  id: string;
  /** ISO time the ConfigMap was written. */
  at: string;
  /** Who asked for it, as the API server knows them (e.g. "alice@example.com", "system:serviceaccount:..."). */
  user: string;
  action: ChangeAction;
  /** One line, e.g. "log on in cluster.local:53; success capacity 5000 in .:53". */
  summary: string;
  /** Unified diff of corefileBefore → corefileAfter. */
  diff: string;
  resourceVersionBefore: string;
  resourceVersionAfter: string;
  corefileBefore: string;
  corefileAfter: string;
  /** Whether a rollout restart followed the write. */
  restarted: boolean;
  source: ChangeSource;
  /**
   * Outside changes: the field manager that owns the Corefile key after the write, from
   * `metadata.managedFields` (e.g. "kubectl-edit", "kubectl-replace", "kubectl-client-side-apply").
   */
  fieldManager: string | null;
  /** Rollbacks: the id of the change rolled back. */
  rollbackOf: string | null;
  /** Anything the operator should know, e.g. "the deadline passed while no dashboard was running". */
  note: string | null;
}

/** The Event reason; `kubectl get events --field-selector reason=CorefileChanged` lists the history. */
export const CHANGE_EVENT_REASON = "CorefileChanged";
/** The annotation holding the full record as JSON. */
export const CHANGE_ANNOTATION = "nodelocal-dns-dashboard/change";
/** Event messages are kept under 1 KB (client-go's recorder and events.k8s.io/v1 `note` use this bound). */
export const MAX_EVENT_MESSAGE_BYTES = 1024;
/** The API server refuses an object whose annotations total more than 256 KiB. */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** A record that cannot be written or read back; the message says which and why. */
export class ChangeRecordError extends Error {
  override readonly name = "ChangeRecordError";
}

const recordSchema = z.strictObject({
  id: z.string().min(1),
  at: z.iso.datetime({ offset: true }),
  user: z.string(),
  action: z.enum(["apply", "rollback", "log-auto-off", "outside"]),
  summary: z.string(),
  // Left out of oversized records: it can be recomputed from the two texts.
  diff: z.string().optional(),
  resourceVersionBefore: z.string(),
  resourceVersionAfter: z.string(),
  corefileBefore: z.string(),
  corefileAfter: z.string(),
  restarted: z.boolean(),
  // Absent in records written before the history ConfigMap existed.
  source: z.enum(["dashboard", "outside"]).optional(),
  fieldManager: z.string().nullable().optional(),
  rollbackOf: z.string().nullable().optional(),
  note: z.string().nullable().optional(),
});

/**
 * Reads one stored record (Event annotation or history ConfigMap entry); `where` names it in the
 * error. Fills what older records lack and recomputes a diff left out to save space.
 */
export function parseChangeRecord(json: unknown, where: string): ChangeRecord {
  const parsed = recordSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const path = first?.path.join(".") || "record";
    throw new ChangeRecordError(`${where}: the recorded change is not readable (${path}: ${first?.message})`);
  }
  const r = parsed.data;
  return {
    ...r,
    diff: r.diff ?? unifiedDiff(r.corefileBefore, r.corefileAfter),
    source: r.source ?? "dashboard",
    fieldManager: r.fieldManager ?? null,
    rollbackOf: r.rollbackOf ?? null,
    note: r.note ?? null,
  };
}

// TextEncoder rather than Buffer: the UI may import these types and helpers in the browser.
const encoder = new TextEncoder();
const utf8Bytes = (s: string) => encoder.encode(s).length;

/** Cuts `text` to at most `max` UTF-8 bytes, ending in "…" when cut, never splitting a character. */
export function truncateUtf8(text: string, max: number): string {
  if (utf8Bytes(text) <= max) return text;
  const ellipsis = "…";
  const budget = max - utf8Bytes(ellipsis);
  let out = "";
  let used = 0;
  // Iterating a string yields whole code points, so a surrogate pair is never split.
  for (const ch of text) {
    const n = utf8Bytes(ch);
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return out + ellipsis;
}

const VERB: Record<ChangeAction, string> = {
  apply: "changed the Corefile",
  rollback: "rolled the Corefile back",
  "log-auto-off": "turned timed query logging off",
  outside: "changed the Corefile outside the dashboard",
};

/** The human line `kubectl describe` shows: "alice changed the Corefile: log on in .:53 (rollout restart)". */
export function changeMessage(r: Pick<ChangeRecord, "user" | "action" | "summary" | "restarted">): string {
  const who = r.action === "log-auto-off" ? "the dashboard" : r.user || "someone";
  const text = `${who} ${VERB[r.action]}: ${r.summary}${r.restarted ? " (rollout restart)" : ""}`;
  return truncateUtf8(text, MAX_EVENT_MESSAGE_BYTES - 1);
}

/** The record as annotation JSON, dropping the diff (recomputable) when it would not fit. */
function encodeRecord(r: ChangeRecord): string {
  const full = JSON.stringify(r);
  if (utf8Bytes(full) + utf8Bytes(CHANGE_ANNOTATION) <= MAX_ANNOTATIONS_BYTES) return full;
  const { diff: _omitted, ...withoutDiff } = r;
  const small = JSON.stringify(withoutDiff);
  if (utf8Bytes(small) + utf8Bytes(CHANGE_ANNOTATION) <= MAX_ANNOTATIONS_BYTES) return small;
  throw new ChangeRecordError(
    `change ${r.id} is too large to record in an Event (${utf8Bytes(small)} bytes; annotations hold at most ` +
      `${MAX_ANNOTATIONS_BYTES}): the Corefiles are unusually large`,
  );
}

/**
 * The Event recording a change (V1 Event shape). The caller fills involvedObject (the ConfigMap),
 * source, name and namespace when creating it, as client-go's recorder would.
 */
export function changeEvent(r: ChangeRecord): CoreV1Event {
  const at = new Date(r.at);
  if (Number.isNaN(at.getTime())) throw new ChangeRecordError(`change ${r.id} has an invalid time "${r.at}"`);
  return {
    metadata: { annotations: { [CHANGE_ANNOTATION]: encodeRecord(r) } },
    involvedObject: {},
    reason: CHANGE_EVENT_REASON,
    message: changeMessage(r),
    type: "Normal",
    action: r.action,
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
  };
}

/**
 * The record an Event carries: null when the Event is not one of ours (another reason, no
 * annotation); ChangeRecordError when it is ours but its annotation cannot be read.
 */
export function changeFromEvent(event: CoreV1Event): ChangeRecord | null {
  const raw = event.metadata?.annotations?.[CHANGE_ANNOTATION];
  if (event.reason !== CHANGE_EVENT_REASON || raw === undefined) return null;
  const name = event.metadata?.name ?? "(unnamed)";
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ChangeRecordError(`Event ${name}: the ${CHANGE_ANNOTATION} annotation is not JSON`);
  }
  return parseChangeRecord(json, `Event ${name}`);
}

/** The history from a list of Events: readable records newest first, and what could not be read. */
export function historyFromEvents(events: readonly CoreV1Event[]): {
  records: ChangeRecord[];
  unreadable: string[];
} {
  const records: ChangeRecord[] = [];
  const unreadable: string[] = [];
  const seen = new Set<string>();
  for (const ev of events) {
    try {
      const r = changeFromEvent(ev);
      // The same record may come back twice (a retried create); keep one.
      if (r && !seen.has(r.id)) {
        seen.add(r.id);
        records.push(r);
      }
    } catch (e) {
      if (e instanceof ChangeRecordError) unreadable.push(e.message);
      else throw e;
    }
  }
  records.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || b.id.localeCompare(a.id));
  return { records, unreadable };
}
