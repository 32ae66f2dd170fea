import { startDashboard } from "@/lib/dashboard";
import { configErrorResponse } from "@/lib/config-service/http";
import { json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** kubectl-style rollout status, and per node: old/new pod, ready, restarts, failure, new Corefile live? */
export async function GET(): Promise<Response> {
  try {
    return json(await (await startDashboard()).config.rollout());
  } catch (err) {
    return configErrorResponse(err);
  }
}
