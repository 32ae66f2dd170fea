import { requireReader } from "@/lib/auth/access";
import { readerActor } from "@/lib/auth/actor";
import { startDashboard } from "@/lib/dashboard";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Every change made through the dashboard, newest first, read as the person asking. */
export const GET = apiRoute("/api/config/history", async (request: Request) => {
  await requireReader(request);
  return (await startDashboard()).config.history(readerActor(request));
});
