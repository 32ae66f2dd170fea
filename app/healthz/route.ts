import { json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** Liveness: the process answers. It does not depend on the cluster (a down API server must not restart us). */
export function GET(): Response {
  return json({ status: "ok" });
}
