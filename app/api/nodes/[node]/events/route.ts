import { READS, readRefusal, requireReader } from "@/lib/auth/access";
import { startDashboard } from "@/lib/dashboard";
import { apiRoute } from "@/lib/http/route";
import { nodeEventsView } from "@/lib/views/node-events";

export const dynamic = "force-dynamic";

/** GET /api/nodes/{node}/events: the node's cache pod's Events (lib/views/node-events.ts). */
export const GET = apiRoute(
  "/api/nodes/[node]/events",
  async (request: Request, ctx: { params: Promise<{ node: string }> }) => {
    const { node } = await ctx.params;
    await requireReader(request, [READS.nodes(), READS.cachePods()]);
    // Events are a part of the page, not its condition: without them the rest is still shown.
    const refused = await readRefusal(request, READS.podEvents());
    return nodeEventsView(await startDashboard(), node, refused);
  },
);
