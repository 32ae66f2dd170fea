import "server-only";
import { DashboardError, kubeErrorInfo, type ErrorBody } from "@/lib/errors";

/** Map anything a route handler caught to a JSON error response; never leaks stack traces or raw objects. */
export function errorResponse(err: unknown): Response {
  if (err instanceof DashboardError) {
    return json({ error: { status: err.status, message: err.message, details: err.details } }, err.status);
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
