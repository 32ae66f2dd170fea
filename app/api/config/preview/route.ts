import { requireReader } from "@/lib/auth/access";
import { readerActor } from "@/lib/auth/actor";
import { startDashboard } from "@/lib/dashboard";
import { readJsonBody } from "@/lib/http/body";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** An edit → the new text, unified diff, CoreDNS's problems and the API server's dry-run verdict. */
export const POST = apiRoute("/api/config/preview", async (request: Request) => {
  await requireReader(request);
  const body = await readJsonBody(request);
  return (await startDashboard()).config.preview(body, readerActor(request));
});
