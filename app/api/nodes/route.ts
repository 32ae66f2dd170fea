import { startDashboard } from "@/lib/dashboard";
import { errorResponse, json } from "@/lib/http/respond";
import { nodesView } from "@/lib/views/nodes";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    return json(nodesView(await startDashboard()));
  } catch (err) {
    return errorResponse(err);
  }
}
