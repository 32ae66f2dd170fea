import { z } from "zod";
import { READS, requireReader } from "@/lib/auth/access";
import { startDashboard } from "@/lib/dashboard";
import { apiRoute, parseQuery } from "@/lib/http/route";
import { nodeDetailView } from "@/lib/views/node-detail";

export const dynamic = "force-dynamic";

const query = z.object({
  since: z.coerce
    .number({ error: "must be a time in milliseconds since the epoch" })
    .int("must be a whole number of milliseconds since the epoch")
    .min(0, "must be a time in milliseconds since the epoch")
    .optional(),
});

export const GET = apiRoute(
  "/api/nodes/[node]",
  async (request: Request, ctx: { params: Promise<{ node: string }> }) => {
    const { node } = await ctx.params;
    const { since } = parseQuery(request, query);
    await requireReader(request, [READS.nodes(), READS.cachePods()]);
    return nodeDetailView(await startDashboard(), node, since);
  },
);
