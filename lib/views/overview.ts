import "server-only";
import type { NodeRow, OverviewResponse } from "@/lib/api-types";
import type { Dashboard } from "@/lib/dashboard";
import { overviewAnswer } from "@/lib/overview/answer";
import { OverviewPublisher } from "@/lib/overview/publisher";
import { overviewRow, type OverviewRow } from "@/lib/overview/wire";
import { interceptionNow } from "./interception";
import { nodeRows, nodesMeta } from "./nodes";

/** Most rows a browser may ask for in full at once (a screenful is a few dozen). */
export const MAX_WINDOW_ROWS = 500;

// One publisher per dashboard: every browser's versions count from the same sequence.
const publishers = new WeakMap<Dashboard, OverviewPublisher>();

/**
 * GET /api/overview: the same rows as `/api/nodes` (the one `nodeRows`; marks and health judged once
 * per round), in the compact columnar form of lib/overview/wire.ts.
 */
export async function overviewView(
  d: Dashboard,
  opts: { since?: string | undefined; window?: readonly string[] } = {},
): Promise<OverviewResponse> {
  const interception = await interceptionNow(d);
  let publisher = publishers.get(d);
  if (!publisher) {
    publisher = new OverviewPublisher();
    publishers.set(d, publisher);
  }
  return overviewAnswer(
    nodesMeta(d, interception),
    overviewRows(nodeRows(d, interception?.redirect)),
    publisher,
    opts,
  );
}

// The overview's part of each shared build of the rows, made once: the publisher then sees the same
// array again and skips comparing every cell of 5,000 rows (OverviewPublisher.update).
const overviewRowsOf = new WeakMap<readonly NodeRow[], readonly OverviewRow[]>();
function overviewRows(rows: readonly NodeRow[]): readonly OverviewRow[] {
  let out = overviewRowsOf.get(rows);
  if (!out) overviewRowsOf.set(rows, (out = rows.map(overviewRow)));
  return out;
}
