import "server-only";
import { asDashboardError, kubeErrorInfo, type ErrorBody } from "@/lib/errors";

/**
 * Map anything a route handler caught to a JSON error response; never leaks stack traces or raw
 * objects. A Corefile conflict (409) carries both versions' text at the top level
 * (`{ error, current: { resourceVersion, corefile }, yours: { corefile, resourceVersion } }`) so the
 * editor can show what changed underneath and re-apply on top.
 */
export function errorResponse(err: unknown): Response {
  const known = asDashboardError(err);
  if (known) {
    const error = { status: known.status, message: known.message, details: known.details };
    if (known.status === 409 && isConflictLike(known)) {
      const changedBy = (known as { changedBy?: unknown }).changedBy;
      return json(
        { error, current: known.current, yours: known.yours, ...(changedBy ? { changedBy } : {}) },
        409,
      );
    }
    const headers: Record<string, string> = {};
    const retryAfter = known.details?.retryAfterSeconds;
    if (typeof retryAfter === "number") headers["retry-after"] = String(Math.ceil(retryAfter));
    return json({ error }, known.status, headers);
  }
  const kube = kubeErrorInfo(err);
  if (kube) {
    const status = kube.status >= 500 ? 502 : kube.status;
    return json({ error: { status, message: kube.message } }, status);
  }
  console.error("unexpected error in route handler", err);
  return json({ error: { status: 500, message: "internal error: see the dashboard's server log" } }, 500);
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    },
  });
}

interface ConflictLike {
  current: { resourceVersion: string; corefile: string };
  yours: { corefile: string; resourceVersion: string };
}

// By shape, not class: errors cross Next.js route bundles (see asDashboardError).
function isConflictLike(err: unknown): err is ConflictLike {
  const c = err as Partial<ConflictLike>;
  return typeof c.current?.corefile === "string" && typeof c.yours?.corefile === "string";
}

export type { ErrorBody };
