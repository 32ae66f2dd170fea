import type { ConfigChange, Edit } from "@/lib/config/intents";
import { structuredDiff } from "@/lib/config/diff";

function blockName(block: string): string {
  return block === "*" ? "every block" : block;
}

function describeEdit(e: Edit): string {
  switch (e.op) {
    case "setLog":
      return `log ${e.on ? "on" : "off"} in ${blockName(e.block)}`;
    case "setCacheTtl":
      return `cache TTL ${e.ttl} in ${blockName(e.block)}`;
    case "setCache": {
      const parts = [
        e.capacity !== undefined ? `capacity ${e.capacity}` : null,
        e.maxTtl !== undefined ? `TTL ${e.maxTtl}` : null,
        e.minTtl !== undefined ? `min TTL ${e.minTtl}` : null,
      ].filter((p) => p !== null);
      return `${e.tier} ${parts.join(", ")} in ${blockName(e.block)}`;
    }
  }
}

/** One line for the history: the intents in the operator's words, or the size of a raw edit. */
export function summarizeChange(
  change: ConfigChange,
  before: string,
  after: string,
  logForMinutes?: number,
): string {
  if ("edits" in change) {
    const text = change.edits.map(describeEdit).join("; ");
    return logForMinutes ? `${text} for ${logForMinutes} min` : text;
  }
  let added = 0;
  let removed = 0;
  for (const h of structuredDiff(before, after).hunks) {
    for (const l of h.lines) {
      if (l.kind === "+") added++;
      else if (l.kind === "-") removed++;
    }
  }
  return `raw Corefile edit (+${added} −${removed} lines)`;
}
