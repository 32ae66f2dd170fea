import { authConfig } from "@/lib/auth";
import { readerActor, writerActor } from "@/lib/auth/actor";
import { startDashboard } from "@/lib/dashboard";
import { configErrorResponse, readJsonBody } from "@/lib/config-service/http";
import { json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** The Corefile, its cards, resourceVersion, warnings, memory estimate and whether the caller may edit. */
export async function GET(request: Request): Promise<Response> {
  try {
    const snapshot = await (await startDashboard()).config.read(readerActor(request));
    if (authConfig().readOnly) {
      // The switch outranks RBAC: the page shows no controls, and says why.
      snapshot.access = {
        ...snapshot.access,
        canEdit: false,
        missing: "the dashboard is read-only (DASHBOARD_READ_ONLY is set)",
      };
    }
    return json(snapshot);
  } catch (err) {
    return configErrorResponse(err);
  }
}

/** Writes an edit (409 if based on an old version, 422 if CoreDNS would refuse it); optionally restarts. */
export async function PUT(request: Request): Promise<Response> {
  try {
    const actor = writerActor(request);
    const body = await readJsonBody(request);
    return json(await (await startDashboard()).config.apply(body, actor));
  } catch (err) {
    return configErrorResponse(err);
  }
}
