import type { NodesResponse, OverviewResponse } from "@/lib/api-types";
import { UNCHANGED, type Unchanged } from "./columns";
import type { OverviewPublisher } from "./publisher";
import { summarizeCluster } from "./summary";
import { encodeTable, FIELDS, flatten, type OverviewRow, type PartialCells } from "./wire";

/** A row of which only the name is sent (the `removed` table). */
const nameOnly = (name: string): PartialCells => [name, ...FIELDS.slice(1).map((): Unchanged => UNCHANGED)];

/**
 * The answer of `/api/overview` for this round's `rows` (published first): every row as published,
 * or only what changed after `since` when the publisher still knows that version; the rows named in
 * `window` (those on screen) exact; the whole-cluster summary from every row. Pure.
 */
export function overviewAnswer(
  meta: Omit<NodesResponse, "nodes">,
  rows: readonly OverviewRow[],
  publisher: OverviewPublisher,
  opts: { since?: string | undefined; window?: readonly string[] } = {},
): OverviewResponse {
  // Whole seconds: a published time (whole seconds) is then a short token counted back from it.
  const at = Math.ceil(Date.parse(meta.generatedAt) / 1000) * 1000;
  publisher.update(rows);
  const delta = opts.since ? publisher.since(opts.since) : null;
  const wanted = new Set(opts.window ?? []);
  return {
    ...meta,
    version: publisher.current,
    kind: delta ? "delta" : "full",
    since: delta ? (opts.since ?? null) : null,
    table: encodeTable(delta ? delta.changed : publisher.full(), at),
    removed: encodeTable((delta?.removed ?? []).map(nameOnly), at),
    window: encodeTable(rows.filter((r) => wanted.has(r.node)).map(flatten), at),
    summary: summarizeCluster(rows),
  };
}
