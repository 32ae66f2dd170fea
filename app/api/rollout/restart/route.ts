import { writerActor } from "@/lib/auth/actor";
import { startDashboard } from "@/lib/dashboard";
import { configErrorResponse } from "@/lib/config-service/http";
import { json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** `kubectl rollout restart daemonset/node-local-dns`: a new restartedAt annotation on the pod template. */
export async function POST(request: Request): Promise<Response> {
  try {
    return json(await (await startDashboard()).config.restart(writerActor(request)));
  } catch (err) {
    return configErrorResponse(err);
  }
}
