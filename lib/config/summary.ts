/** One line that says what a change does, for the history list and the Event message. */
import { diffLines } from "./diff";
import type { ConfigChange, Edit } from "./intents";

const where = (block: string) => (block === "*" ? "every block" : block);

/** "log on in cluster.local:53", "success cache in .:53: capacity 5000, max TTL 30 s", "cache TTL 60 s in .:53". */
export function describeEdit(e: Edit): string {
  switch (e.op) {
    case "setLog":
      return `log ${e.on ? "on" : "off"} in ${where(e.block)}`;
    case "setCacheTtl":
      return `cache TTL ${e.ttl} s in ${where(e.block)}`;
    case "setCache": {
      const parts = [
        e.capacity !== undefined ? `capacity ${e.capacity}` : null,
        e.maxTtl !== undefined ? `max TTL ${e.maxTtl} s` : null,
        e.minTtl !== undefined ? `min TTL ${e.minTtl} s` : null,
      ].filter((p): p is string => p !== null);
      return `${e.tier} cache in ${where(e.block)}: ${parts.join(", ")}`;
    }
  }
}

/**
 * The summary of a change: its edits joined by "; " (with "(logging for N min)" on a timed log), or for a raw
 * edit how many lines it adds and removes.
 */
export function summarizeChange(
  change: ConfigChange,
  corefileBefore: string,
  corefileAfter: string,
  logFor?: { minutes: number },
): string {
  if ("edits" in change) {
    const text = change.edits.map(describeEdit).join("; ");
    return logFor ? `${text} (logging for ${logFor.minutes} min)` : text;
  }
  const lines = diffLines(corefileBefore, corefileAfter);
  const added = lines.filter((l) => l.kind === "+").length;
  const removed = lines.filter((l) => l.kind === "-").length;
  if (added === 0 && removed === 0) return "raw Corefile edit (no change)";
  return `raw Corefile edit (+${added} −${removed} line${added + removed === 1 ? "" : "s"})`;
}
