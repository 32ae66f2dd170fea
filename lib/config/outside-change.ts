/**
 * Recognising a change made outside the dashboard (kubectl edit/replace/apply, GitOps, ...) from what
 * watching the ConfigMap shows: the Corefile text differs from the last one seen, and the field
 * manager that owns the Corefile key now is not the dashboard's (its own writes are recorded by the
 * write path). Pure; outside-changes.ts watches and records.
 */
import crypto from "node:crypto";
import { unifiedDiff, diffLines } from "./diff";
import type { ChangeRecord } from "./history";

/** The last Corefile seen: from the watch, or at start from the newest record in the history. */
export interface SeenCorefile {
  resourceVersion: string;
  corefile: string;
}

/** The ConfigMap as the watch delivers it (reshaped). */
export interface ObservedCorefile extends SeenCorefile {
  corefileManager: { manager: string; operation: string; time: string | null } | null;
}

/** Time-ordered and unique, like the write path's ids. */
export function changeIdAt(at: Date): string {
  return `${at.getTime().toString(36)}-${crypto.randomBytes(4).toString("hex")}`;
}

/** "kubectl-replace edited the Corefile (+2 −1 lines)". */
export function outsideSummary(before: string, after: string, manager: string | null): string {
  const lines = diffLines(before, after);
  const added = lines.filter((l) => l.kind === "+").length;
  const removed = lines.filter((l) => l.kind === "-").length;
  return `${manager ?? "someone"} edited the Corefile outside the dashboard (+${added} −${removed} line${added + removed === 1 ? "" : "s"})`;
}

/**
 * The record of an outside change from `seen` to `now`, or null when it is none: same text, or the
 * dashboard's own write (`ourManager` owns the Corefile key). `at` is the manager entry's time
 * (one-second precision), else `detectedAt`.
 */
export function outsideChange(
  seen: SeenCorefile | null,
  now: ObservedCorefile,
  ourManager: string,
  detectedAt: Date,
): ChangeRecord | null {
  if (!seen || seen.corefile === now.corefile) return null;
  const manager = now.corefileManager?.manager ?? null;
  if (manager === ourManager) return null;
  const managerTime = now.corefileManager?.time ? new Date(now.corefileManager.time) : null;
  const at = managerTime && !Number.isNaN(managerTime.getTime()) ? managerTime : detectedAt;
  return {
    id: changeIdAt(at),
    at: at.toISOString(),
    user: manager ?? "unknown (no managedFields)",
    action: "outside",
    summary: outsideSummary(seen.corefile, now.corefile, manager),
    diff: unifiedDiff(seen.corefile, now.corefile),
    resourceVersionBefore: seen.resourceVersion,
    resourceVersionAfter: now.resourceVersion,
    corefileBefore: seen.corefile,
    corefileAfter: now.corefile,
    restarted: false,
    source: "outside",
    fieldManager: manager,
    rollbackOf: null,
    note: null,
  };
}

/** Whether the history already has this outside change (another replica recorded it first). */
export function alreadyRecorded(records: readonly ChangeRecord[], change: ChangeRecord): boolean {
  return records.some(
    (r) => r.resourceVersionAfter === change.resourceVersionAfter && r.corefileAfter === change.corefileAfter,
  );
}
