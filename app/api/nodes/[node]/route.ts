import { z } from "zod";
import { startDashboard } from "@/lib/dashboard";
import { DashboardError } from "@/lib/errors";
import { errorResponse, json } from "@/lib/http/respond";
import { timedRoute } from "@/lib/observability";
import { nodeDetailView } from "@/lib/views/node-detail";

export const dynamic = "force-dynamic";

const query = z.object({ since: z.coerce.number().int().min(0).optional() });

export const GET = timedRoute(
  "/api/nodes/[node]",
  async (request: Request, ctx: { params: Promise<{ node: string }> }): Promise<Response> => {
    try {
      const { node } = await ctx.params;
      const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
      if (!parsed.success)
        throw new DashboardError(400, "`since` must be a time in milliseconds since the epoch");
      return json(nodeDetailView(await startDashboard(), node, parsed.data.since));
    } catch (err) {
      return errorResponse(err);
    }
  },
);
