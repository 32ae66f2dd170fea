import { readerActor } from "@/lib/auth/actor";
import { startDashboard } from "@/lib/dashboard";
import { configErrorResponse, readJsonBody } from "@/lib/config-service/http";
import { json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** An edit → the new text, unified diff, CoreDNS's problems and the API server's dry-run verdict. */
export async function POST(request: Request): Promise<Response> {
  try {
    const body = await readJsonBody(request);
    return json(await (await startDashboard()).config.preview(body, readerActor(request)));
  } catch (err) {
    return configErrorResponse(err);
  }
}
