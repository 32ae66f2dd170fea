import "server-only";
import type { PodEventsJson } from "@/lib/api-types";
import type { Dashboard } from "@/lib/dashboard";
import { nodeNotFound } from "./nodes";

/**
 * GET /api/nodes/{node}/events: the node's cache pod's recent Events, or why they cannot be shown.
 * Apart from the node's numbers: listing a pod's Events asks the API server, which scans every Event
 * in the namespace (30,000 at 5,000 nodes: ~50 ms on an idle simulated API server), and a node's
 * numbers should not wait for that. `refused`: why the person may not list events, or null.
 */
export async function nodeEventsView(
  d: Dashboard,
  nodeName: string,
  refused: string | null,
): Promise<PodEventsJson> {
  const inv = d.inventory.snapshot();
  if (!inv.nodes.some((n) => n.name === nodeName)) {
    throw nodeNotFound(nodeName);
  }
  const pod = inv.podByNode.get(nodeName)?.name ?? null;
  if (refused) {
    return {
      pod,
      events: [],
      readAt: null,
      problem: { status: 403, message: `you may not read events: ${refused}` },
    };
  }
  if (!pod) return { pod: null, events: [], readAt: null, problem: null };
  const r = await d.podEvents.read(pod);
  const problem =
    r.problem?.status === 403
      ? { status: 403, message: `the dashboard may not read events: ${r.problem.message}` }
      : r.problem;
  return { pod, events: r.events, readAt: r.readAt, problem };
}
