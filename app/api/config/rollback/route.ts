import { writerActor } from "@/lib/auth/actor";
import { startDashboard } from "@/lib/dashboard";
import { configErrorResponse, readJsonBody } from "@/lib/config-service/http";
import { json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** `{ id }` → restores the Corefile from before that change and restarts the DaemonSet. */
export async function POST(request: Request): Promise<Response> {
  try {
    const actor = writerActor(request);
    const body = await readJsonBody(request);
    return json(await (await startDashboard()).config.rollback(body, actor));
  } catch (err) {
    return configErrorResponse(err);
  }
}
