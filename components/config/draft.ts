import type { CorefileServerBlock, Edit } from "@/lib/api-types";

/** What the operator typed into one block's card; strings so a half-typed number is kept as typed. */
export interface BlockDraft {
  log: boolean;
  successCapacity: string;
  successTtl: string;
  denialCapacity: string;
  denialTtl: string;
}

/** The card's name for a block, also its `?block=` value and the edits' `block`. */
export const blockKey = (b: Pick<CorefileServerBlock, "keys">): string => b.keys.join(" ");

/** A draft that changes nothing. */
export function draftOf(b: CorefileServerBlock): BlockDraft {
  return {
    log: b.log,
    successCapacity: String(b.cache?.success.capacity ?? ""),
    successTtl: String(b.cache?.success.maxTtl ?? ""),
    denialCapacity: String(b.cache?.denial.capacity ?? ""),
    denialTtl: String(b.cache?.denial.maxTtl ?? ""),
  };
}

/** The edits the drafts ask for (only what differs from the Corefile), and what is not a valid number. */
export function editsFromDrafts(
  blocks: readonly CorefileServerBlock[],
  drafts: Readonly<Record<string, BlockDraft>>,
): { edits: Edit[]; problems: string[] } {
  const edits: Edit[] = [];
  const problems: string[] = [];
  for (const b of blocks) {
    const key = blockKey(b);
    const d = drafts[key];
    if (!d) continue;
    if (d.log !== b.log) edits.push({ op: "setLog", block: key, on: d.log });
    if (!b.cache) continue;
    for (const tier of ["success", "denial"] as const) {
      const now = b.cache[tier];
      const cap = d[`${tier}Capacity`].trim();
      const ttl = d[`${tier}Ttl`].trim();
      const change: { capacity?: number; maxTtl?: number } = {};
      for (const [label, text, current, field] of [
        ["capacity", cap, now.capacity, "capacity"],
        ["TTL", ttl, now.maxTtl, "maxTtl"],
      ] as const) {
        if (text === String(current)) continue;
        if (!/^\d+$/.test(text) || Number(text) < 1) {
          problems.push(`${key}: ${tier} ${label} must be a whole number of at least 1 (it is "${text}")`);
          continue;
        }
        change[field] = Number(text);
      }
      if (change.capacity !== undefined || change.maxTtl !== undefined) {
        edits.push({ op: "setCache", block: key, tier, ...change });
      }
    }
  }
  return { edits, problems };
}
