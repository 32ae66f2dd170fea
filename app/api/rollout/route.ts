import { READS, requireReader } from "@/lib/auth/access";
import { readerActor } from "@/lib/auth/actor";
import { startDashboard } from "@/lib/dashboard";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** kubectl-style rollout status, and per node: old/new pod, ready, restarts, failure, new Corefile live? */
export const GET = apiRoute("/api/rollout", async (request: Request) => {
  await requireReader(request, [READS.cachePods()]);
  return (await startDashboard()).config.rollout(readerActor(request));
});
