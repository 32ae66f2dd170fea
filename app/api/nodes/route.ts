import { startDashboard } from "@/lib/dashboard";
import { apiRoute } from "@/lib/http/route";
import { nodesView } from "@/lib/views/nodes";

export const dynamic = "force-dynamic";

export const GET = apiRoute("/api/nodes", async () => nodesView(await startDashboard()));
