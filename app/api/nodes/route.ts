import { READS, requireReader } from "@/lib/auth/access";
import { startDashboard } from "@/lib/dashboard";
import { apiRoute } from "@/lib/http/route";
import { nodesView } from "@/lib/views/nodes";

export const dynamic = "force-dynamic";

export const GET = apiRoute("/api/nodes", async (request: Request) => {
  await requireReader(request, [READS.nodes(), READS.cachePods()]);
  return nodesView(await startDashboard());
});
