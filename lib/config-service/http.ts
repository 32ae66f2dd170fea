import "server-only";
import { asDashboardError, DashboardError } from "@/lib/errors";
import { errorResponse, json } from "@/lib/http/respond";
import type { CorefileConflictError } from "@/lib/k8s/configmap";

/**
 * Like errorResponse, but a 409 carries both versions' text at the top level
 * (`{ error, current: { resourceVersion, corefile }, yours: { corefile } }`) so the editor can show
 * what changed underneath and re-apply on top.
 */
export function configErrorResponse(err: unknown): Response {
  const e = asDashboardError(err);
  if (e && e.status === 409 && isConflictLike(err)) {
    return json(
      {
        error: { status: 409, message: e.message },
        current: err.current,
        yours: { corefile: err.yours.corefile, resourceVersion: err.yours.resourceVersion },
      },
      409,
    );
  }
  if (e) return json({ error: { status: e.status, message: e.message, details: e.details } }, e.status);
  return errorResponse(err);
}

function isConflictLike(err: unknown): err is CorefileConflictError {
  const c = err as Partial<CorefileConflictError>;
  return typeof c.current?.corefile === "string" && typeof c.yours?.corefile === "string";
}

/** The request's JSON body; a body that is not JSON is the caller's mistake (400), said plainly. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DashboardError(
      400,
      "the request body is not JSON: send a JSON object with Content-Type: application/json",
    );
  }
}
