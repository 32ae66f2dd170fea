import "server-only";
import type { OverviewResponse } from "@/lib/api-types";
import type { Dashboard } from "@/lib/dashboard";
import { overviewAnswer } from "@/lib/overview/answer";
import { OverviewPublisher } from "@/lib/overview/publisher";
import { overviewRow } from "@/lib/overview/wire";
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
    nodeRows(d, interception?.redirect).map(overviewRow),
    publisher,
    opts,
  );
}
