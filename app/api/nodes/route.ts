import { startDashboard } from "@/lib/dashboard";
import { errorResponse, json } from "@/lib/http/respond";
import { timedRoute } from "@/lib/observability";
import { nodesView } from "@/lib/views/nodes";

export const dynamic = "force-dynamic";

export const GET = timedRoute("/api/nodes", async (): Promise<Response> => {
  try {
    return json(nodesView(await startDashboard()));
  } catch (err) {
    return errorResponse(err);
  }
});
