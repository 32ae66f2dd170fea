import { startDashboard } from "@/lib/dashboard";
import { configErrorResponse, readJsonBody } from "@/lib/config-service/http";
import { json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** The Corefile, its cards, resourceVersion, warnings, memory estimate and whether the caller may edit. */
export async function GET(): Promise<Response> {
  try {
    return json(await (await startDashboard()).config.read());
  } catch (err) {
    return configErrorResponse(err);
  }
}

/** Writes an edit (409 if based on an old version, 422 if CoreDNS would refuse it); optionally restarts. */
export async function PUT(request: Request): Promise<Response> {
  try {
    const body = await readJsonBody(request);
    return json(await (await startDashboard()).config.apply(body));
  } catch (err) {
    return configErrorResponse(err);
  }
}
