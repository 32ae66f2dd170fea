import { startDashboard } from "@/lib/dashboard";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Every change made through the dashboard, newest first, from the Events on the ConfigMap. */
export const GET = apiRoute("/api/config/history", async () => (await startDashboard()).config.history());
