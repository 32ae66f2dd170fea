import type { ErrorBody } from "@/lib/errors";

/** An error response from the dashboard's own API, with the server's operator-facing message. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { accept: "application/json", ...init?.headers } });
  } catch {
    throw new ApiError(0, "cannot reach the dashboard server — is it still running?");
  }
  if (!res.ok) {
    let message = `the dashboard server answered ${res.status}`;
    try {
      const body = (await res.json()) as Partial<ErrorBody>;
      if (body.error?.message) message = body.error.message;
    } catch {
      // not JSON
    }
    throw new ApiError(res.status, message);
  }
  return (await res.json()) as T;
}

/** Retry policy: never on 4xx (retrying won't fix permissions or input), at most 3 tries otherwise. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 3;
}
