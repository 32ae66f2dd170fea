import type { ConfigConflictBody, CorefileProblem } from "@/lib/api-types";
import type { ErrorBody } from "@/lib/errors";

/** Everything an error answer of the dashboard's API may carry: a 409 on the Corefile has both versions. */
export type ApiErrorBody = Partial<ErrorBody> & Partial<Omit<ConfigConflictBody, "error">>;

/**
 * The one error the browser's API calls throw: the HTTP status (0 when the server could not be
 * reached), the server's operator-facing message, and the whole error body.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
    readonly body: ApiErrorBody = {},
  ) {
    super(message);
  }
  /** The 409 body, when someone else changed the Corefile underneath. */
  get conflict(): ConfigConflictBody | null {
    return this.status === 409 && this.body.current && this.body.yours
      ? (this.body as ConfigConflictBody)
      : null;
  }
  /** CoreDNS's problems with a refused Corefile (422), if any. */
  get problems(): Pick<CorefileProblem, "line" | "message" | "note">[] {
    const p = this.body.error?.details?.["problems"];
    return Array.isArray(p) ? (p as CorefileProblem[]) : [];
  }
}

/** The one fetch helper of the browser: JSON in, JSON out, an ApiError for anything but 2xx. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      headers: {
        accept: "application/json",
        ...(init?.body ? { "content-type": "application/json" } : {}),
        ...init?.headers,
      },
    });
  } catch {
    throw new ApiError(0, "cannot reach the dashboard server — is it still running?");
  }
  if (!res.ok) {
    const body = ((await res.json().catch(() => null)) ?? {}) as ApiErrorBody;
    throw new ApiError(
      res.status,
      body.error?.message ?? `the dashboard server answered ${res.status}`,
      body,
    );
  }
  return (await res.json()) as T;
}

/** Retry policy: never on 4xx (retrying won't fix permissions or input), at most 3 tries otherwise. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 3;
}
