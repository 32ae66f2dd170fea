import { authConfig } from "@/lib/auth";
import { requireReader } from "@/lib/auth/access";
import { readerActor, writerActor } from "@/lib/auth/actor";
import { startDashboard } from "@/lib/dashboard";
import { readJsonBody } from "@/lib/http/body";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The Corefile, its cards, resourceVersion, warnings, memory estimate and whether the caller may edit. */
export const GET = apiRoute("/api/config", async (request: Request) => {
  // The ConfigMap is read as the person: Kubernetes RBAC decides whether they may see it.
  await requireReader(request);
  const snapshot = await (await startDashboard()).config.read(readerActor(request));
  if (authConfig().readOnly) {
    // The switch outranks RBAC: the page shows no controls, and says why.
    snapshot.access = {
      ...snapshot.access,
      canEdit: false,
      missing: "the dashboard is read-only (DASHBOARD_READ_ONLY is set)",
    };
  }
  return snapshot;
});

/** Writes an edit (409 if based on an old version, 422 if CoreDNS would refuse it); optionally restarts. */
export const PUT = apiRoute("/api/config", async (request: Request) => {
  const actor = writerActor(request);
  const body = await readJsonBody(request);
  return (await startDashboard()).config.apply(body, actor);
});
