import { writerActor } from "@/lib/auth/actor";
import { startDashboard } from "@/lib/dashboard";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** `kubectl rollout restart daemonset/node-local-dns`: a new restartedAt annotation on the pod template. */
export const POST = apiRoute("/api/rollout/restart", async (request: Request) =>
  (await startDashboard()).config.restart(writerActor(request)),
);
