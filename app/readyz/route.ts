import { currentDashboard } from "@/lib/dashboard";
import { json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** Readiness: the dashboard has configured its cluster access and listed the cluster once. */
export function GET(): Response {
  const d = currentDashboard();
  if (!d) return json({ status: "starting", reason: "cluster access not configured yet" }, 503);
  const inv = d.inventory.snapshot();
  if (!inv.synced) {
    return json(
      { status: "not ready", reason: inv.apiProblem?.message ?? "listing the cluster for the first time" },
      503,
    );
  }
  return json({ status: "ready", apiProblem: inv.apiProblem });
}
