/**
 * The one error type the dashboard's server code throws on purpose. It carries the HTTP status the
 * route should answer with and a message written for the operator: what went wrong and what to do.
 */
export class DashboardError extends Error {
  override readonly name = "DashboardError";
  constructor(
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * The DashboardError in `err`, recognised by shape (name and status) as well as by class: the dashboard
 * object lives on globalThis and is shared by every route, but Next.js bundles modules per route entry,
 * so an error made by the dashboard's copy of this module is not `instanceof` a route's copy.
 */
export function asDashboardError(err: unknown): DashboardError | null {
  if (err instanceof DashboardError) return err;
  if (!(err instanceof Error) || err.name !== "DashboardError") return null;
  const status = (err as { status?: unknown }).status;
  return typeof status === "number" && status >= 400 && status < 600 ? (err as DashboardError) : null;
}

/** The JSON shape every error response has. */
export interface ErrorBody {
  error: { status: number; message: string; details?: Record<string, unknown> };
}

/** Status and message from a @kubernetes/client-node ApiException (which carries the API server's Status body). */
export function kubeErrorInfo(err: unknown): { status: number; message: string } | null {
  if (typeof err !== "object" || err === null) return null;
  const e = err as { code?: unknown; body?: unknown; statusCode?: unknown };
  const status = typeof e.code === "number" ? e.code : typeof e.statusCode === "number" ? e.statusCode : null;
  if (status === null || status < 100) return null;
  let message = `the Kubernetes API server answered ${status}`;
  const body = typeof e.body === "string" ? safeJson(e.body) : e.body;
  if (body && typeof body === "object" && typeof (body as { message?: unknown }).message === "string") {
    message = (body as { message: string }).message;
  }
  return { status, message };
}

/**
 * The `message` of a Kubernetes Status body (what the API server says went wrong), or the start of
 * whatever text came instead, at most `max` characters.
 */
export function statusBodyMessage(body: string, max = 200): string {
  const parsed = safeJson(body);
  if (parsed && typeof parsed === "object") {
    const message = (parsed as { message?: unknown }).message;
    if (typeof message === "string" && message) return message;
  }
  return body.slice(0, max);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A short human reason for any thrown value, for logs and per-node error cells. */
export function describeError(err: unknown): string {
  const kube = kubeErrorInfo(err);
  if (kube) return kube.message;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const cause = (err as { cause?: unknown }).cause;
    if (code === "ECONNREFUSED") return `connection refused (${err.message.replace(/^connect /, "")})`;
    if (cause instanceof Error) return `${err.message}: ${describeError(cause)}`;
    return err.message;
  }
  return String(err);
}
