import "server-only";
import { DashboardError } from "@/lib/errors";
import { errorResponse, json } from "@/lib/http/respond";
import { CorefileConflictError } from "@/lib/k8s/configmap";

/**
 * Like errorResponse, but a 409 carries both versions' text at the top level
 * (`{ error, current: { resourceVersion, corefile }, yours: { corefile } }`) so the editor can show
 * what changed underneath and re-apply on top.
 */
export function configErrorResponse(err: unknown): Response {
  if (err instanceof CorefileConflictError) {
    return json(
      {
        error: { status: 409, message: err.message },
        current: err.current,
        yours: { corefile: err.yours.corefile, resourceVersion: err.yours.resourceVersion },
      },
      409,
    );
  }
  return errorResponse(err);
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
