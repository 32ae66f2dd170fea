import "server-only";
import { asDashboardError, kubeErrorInfo, type ErrorBody } from "@/lib/errors";

/** Map anything a route handler caught to a JSON error response; never leaks stack traces or raw objects. */
export function errorResponse(err: unknown): Response {
  const known = asDashboardError(err);
  if (known) {
    return json(
      { error: { status: known.status, message: known.message, details: known.details } },
      known.status,
    );
  }
  const kube = kubeErrorInfo(err);
  if (kube) {
    const status = kube.status >= 500 ? 502 : kube.status;
    return json({ error: { status, message: kube.message } }, status);
  }
  console.error("unexpected error in route handler", err);
  return json({ error: { status: 500, message: "internal error: see the dashboard's server log" } }, 500);
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

export type { ErrorBody };
