import { startDashboard } from "@/lib/dashboard";
import { configErrorResponse } from "@/lib/config-service/http";
import { json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** Every change made through the dashboard, newest first, from the Events on the ConfigMap. */
export async function GET(): Promise<Response> {
  try {
    return json(await (await startDashboard()).config.history());
  } catch (err) {
    return configErrorResponse(err);
  }
}
