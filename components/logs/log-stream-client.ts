/**
 * Reads GET /api/logs/stream with fetch and a body reader rather than EventSource: EventSource cannot
 * see an error answer's status or body, so a 400 "not a regular expression this filter runs", a 403
 * "add get on pods/log" or a 429 "too many streams" all looked like "disconnected". Here each reaches
 * the page as the server wrote it. It reconnects by itself after a dropped connection or a 5xx (the
 * server's `retry:` interval, backing off), waits out a 429's Retry-After, and stops for good on any
 * other 4xx — retrying cannot fix a filter or a permission.
 */
import { createParser } from "eventsource-parser";

/** Why the stream is not delivering, in the server's words. */
export interface StreamProblem {
  /** HTTP status; 0 when the server could not be reached or the connection dropped. */
  status: number;
  message: string;
  /** When the client tries again by itself (epoch ms), or null when it has stopped. */
  retryAt: number | null;
}

export interface StreamHandlers {
  /** The server accepted the stream (200); events follow. */
  onOpen(): void;
  /** One SSE event: `line`, `notice` or `dropped`, with its JSON data. */
  onEvent(type: string, data: string): void;
  onProblem(problem: StreamProblem): void;
}

const MAX_BACKOFF_MS = 30_000;

/** Follows `url` until `signal` aborts. */
export async function followEventStream(
  url: string,
  handlers: StreamHandlers,
  signal: AbortSignal,
): Promise<void> {
  let retryMs = 2000;
  let failures = 0;
  while (!signal.aborted) {
    let waitMs: number | null;
    try {
      const res = await fetch(url, { headers: { accept: "text/event-stream" }, cache: "no-store", signal });
      if (!res.ok || !res.body) {
        const problem = await problemOf(res);
        waitMs =
          res.status === 429 ? retryAfterMs(res) : res.status >= 500 ? backoff(retryMs, failures++) : null;
        handlers.onProblem({ ...problem, retryAt: waitMs === null ? null : Date.now() + waitMs });
        if (waitMs === null) return;
      } else {
        failures = 0;
        handlers.onOpen();
        const parser = createParser({
          onEvent: (e) => handlers.onEvent(e.event ?? "message", e.data),
          onRetry: (ms) => {
            retryMs = ms;
          },
        });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
        waitMs = backoff(retryMs, failures++);
        handlers.onProblem({
          status: 0,
          message: "the server ended the stream",
          retryAt: Date.now() + waitMs,
        });
      }
    } catch {
      if (signal.aborted) return;
      waitMs = backoff(retryMs, failures++);
      handlers.onProblem({
        status: 0,
        message: "lost the connection to the dashboard server",
        retryAt: Date.now() + waitMs,
      });
    }
    await delay(waitMs, signal);
  }
}

async function problemOf(res: Response): Promise<{ status: number; message: string }> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: unknown } } | null;
  const message =
    typeof body?.error?.message === "string" ? body.error.message : `the server answered ${res.status}`;
  return { status: res.status, message };
}

function retryAfterMs(res: Response): number {
  const s = Number(res.headers.get("retry-after"));
  return Number.isFinite(s) && s > 0 ? s * 1000 : 30_000;
}

function backoff(base: number, failures: number): number {
  return Math.min(MAX_BACKOFF_MS, base * 2 ** Math.min(failures, 4));
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
