import { z } from "zod";
import { READS, requireReader } from "@/lib/auth/access";
import { startDashboard } from "@/lib/dashboard";
import { apiRoute, parseQuery } from "@/lib/http/route";
import { clusterView } from "@/lib/views/cluster";

export const dynamic = "force-dynamic";

const query = z.object({
  since: z.coerce
    .number({ error: "must be a time in milliseconds since the epoch" })
    .int("must be a whole number of milliseconds since the epoch")
    .min(0, "must be a time in milliseconds since the epoch")
    .optional(),
});

export const GET = apiRoute("/api/cluster", async (request: Request) => {
  const { since } = parseQuery(request, query);
  await requireReader(request, [READS.nodes(), READS.cachePods()]);
  return clusterView(await startDashboard(), since);
});
