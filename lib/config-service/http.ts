import "server-only";
import { DashboardError } from "@/lib/errors";
import { errorResponse, json } from "@/lib/http/respond";
import type { CorefileConflictError } from "@/lib/k8s/configmap";

/**
 * Like errorResponse, but a 409 carries both versions' text at the top level
 * (`{ error, current: { resourceVersion, corefile }, yours: { corefile } }`) so the editor can show
 * what changed underneath and re-apply on top.
 */
export function configErrorResponse(err: unknown): Response {
  const e = dashboardErrorLike(err);
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

/**
 * The dashboard object lives on globalThis and is shared by every route, but Next.js instantiates
 * modules per route entry: an error class made by the dashboard's copy of a module is not
 * `instanceof` the route's copy. So errors are recognised by shape (name and status), not class.
 */
function dashboardErrorLike(err: unknown): DashboardError | null {
  if (err instanceof DashboardError) return err;
  if (!(err instanceof Error) || err.name !== "DashboardError") return null;
  const status = (err as { status?: unknown }).status;
  return typeof status === "number" && status >= 400 && status < 600 ? (err as DashboardError) : null;
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
