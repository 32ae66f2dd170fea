import { z } from "zod";
import { READS, requireReader } from "@/lib/auth/access";
import { startDashboard } from "@/lib/dashboard";
import { apiRoute, parseQuery } from "@/lib/http/route";
import { nodeNamesView, nodesView } from "@/lib/views/nodes";

export const dynamic = "force-dynamic";

const query = z.strictObject({
  // `names`: only the node names (the Logs page's node picker), not 5,000 rows of numbers.
  fields: z.enum(["all", "names"]).default("all"),
});

export const GET = apiRoute("/api/nodes", async (request: Request) => {
  const { fields } = parseQuery(request, query);
  await requireReader(request, [READS.nodes(), READS.cachePods()]);
  const d = await startDashboard();
  return fields === "names" ? nodeNamesView(d) : nodesView(d);
});
