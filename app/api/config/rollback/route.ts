import { writerActor } from "@/lib/auth/actor";
import { startDashboard } from "@/lib/dashboard";
import { readJsonBody } from "@/lib/http/body";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** `{ id }` → restores the Corefile from before that change and restarts the DaemonSet. */
export const POST = apiRoute("/api/config/rollback", async (request: Request) => {
  const actor = writerActor(request);
  const body = await readJsonBody(request);
  return (await startDashboard()).config.rollback(body, actor);
});
