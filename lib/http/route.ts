import "server-only";
import type { z } from "zod";
import { DashboardError } from "@/lib/errors";
import { timedRoute } from "@/lib/observability";
import { errorResponse, json } from "./respond";

/**
 * The one wrapper every API route handler goes through: its latency is timed under the route's
 * pattern (never the concrete path), whatever it throws becomes the JSON error response with the
 * status and the operator-facing message (`errorResponse`, including the 409 body with both versions
 * of the Corefile), and a plain value it returns is sent as JSON with `cache-control: no-store`.
 */
export function apiRoute<A extends unknown[]>(
  pattern: string,
  handler: (request: Request, ...rest: A) => Promise<Response | object> | Response | object,
): (request: Request, ...rest: A) => Promise<Response> {
  return timedRoute(pattern, async (request: Request, ...rest: A) => {
    try {
      const out = await handler(request, ...rest);
      return out instanceof Response ? out : json(out);
    } catch (err) {
      return errorResponse(err);
    }
  });
}

/** The request's query string, checked by `schema`; a 400 naming each bad parameter otherwise. */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S, what = "query"): z.infer<S> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    throw new DashboardError(
      400,
      `invalid ${what}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(query)"}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}
