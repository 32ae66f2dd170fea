import "server-only";
import { BoundedQueue } from "./bounded-queue";
import type { CompiledLogFilter } from "./filter";
import type { LogSource } from "./hub";
import type { SharedLogLine } from "./shared-line";
import type { LogFollowing, LogNotice } from "./types";

type Outgoing = SharedLogLine | { notice: LogNotice };

/** What a stream reports about itself (lib/observability counts it; tests and benchmarks may too). */
export interface LogStreamHooks {
  /** `lines` line events were handed to the response. */
  sent?(lines: number): void;
  /**
   * `lines` lines matched but were dropped, because this browser read slower than they arrived (or
   * stopped reading): counted when dropped, and reported to the browser when it reads again.
   */
  dropped?(lines: number): void;
  /** The stream ended (the browser went away or the server stopped it); once. */
  closed?(): void;
}

export interface LogStreamOptions {
  /** Events buffered for a browser that reads slower than lines arrive (default 5,000). */
  capacity?: number;
  hooks?: LogStreamHooks;
  /** Which nodes the stream follows (lib/logs/follow-set.ts): sent first, as a `following` event. */
  following?: LogFollowing;
}

const HEARTBEAT_MS = 15_000;
/**
 * Lines are sent at most this often per stream, in one chunk: a browser cannot read faster than it
 * paints, and one write per line per stream is what made hundreds of streams stall the server.
 */
const FLUSH_MS = 100;
/**
 * A stream with this many lines waiting flushes at once: at tens of thousands of lines a second, lines
 * held for a whole FLUSH_MS outlive the young generation, and copying them then costs more than the
 * extra writes.
 */
const FLUSH_LINES = 2000;
const encoder = new TextEncoder();

/**
 * A Server-Sent Events body for one browser (or `curl -N`). The hub parses each line once for all
 * browsers; here each line is matched against this browser's filter (the verdict shared by every
 * stream with the same filter), queued by reference in a bounded buffer (then "N lines dropped"
 * markers), and sent as its once-encoded SSE frame. Heartbeats keep proxies from closing an idle
 * stream; the hub subscription (which aborts upstream streams nobody needs any more) ends when the
 * client goes away.
 */
export function logEventStream(
  hub: LogSource,
  filter: CompiledLogFilter,
  signal: AbortSignal,
  opts: LogStreamOptions = {},
): ReadableStream<Uint8Array> {
  const hooks = opts.hooks ?? {};
  const queue = new BoundedQueue<Outgoing>(opts.capacity ?? 5000, (n) => hooks.dropped?.(n));
  let unsubscribe: (() => void) | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  let closed = false;
  let lastFlush = 0;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    unsubscribe = null;
    if (heartbeat) clearInterval(heartbeat);
    // Lines still queued were never received: the browser went away before reading them.
    const undelivered = queue.drain().items.filter((o) => !("notice" in o)).length;
    if (undelivered) hooks.dropped?.(undelivered);
    queue.wakeAll();
    hooks.closed?.();
  };
  if (signal.aborted) close();
  signal.addEventListener("abort", close, { once: true });

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(`retry: 2000\n: connected\n\n`));
        if (opts.following)
          controller.enqueue(encoder.encode(`event: following\ndata: ${JSON.stringify(opts.following)}\n\n`));
        if (closed) return;
        unsubscribe = hub.subscribe({
          nodes: filter.nodes,
          onLine(line) {
            if (line.matches(filter)) queue.push(line);
          },
          onNotice(notice) {
            queue.push({ notice });
          },
        });
        heartbeat = setInterval(() => {
          if (!closed) controller.enqueue(encoder.encode(`: heartbeat ${new Date().toISOString()}\n\n`));
        }, HEARTBEAT_MS);
      },
      async pull(controller) {
        // After close nothing wakes the queue again: end here, or the read never finishes.
        if (closed) {
          controller.close();
          return;
        }
        await queue.wait();
        const wait = lastFlush + FLUSH_MS - Date.now();
        if (wait > 0 && !closed && queue.size < FLUSH_LINES) {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            new Promise((resolve) => (timer = setTimeout(resolve, wait))),
            queue.waitForSize(FLUSH_LINES),
          ]);
          clearTimeout(timer);
        }
        lastFlush = Date.now();
        if (closed) {
          controller.close();
          return;
        }
        const { dropped, items } = queue.drain();
        const parts: Uint8Array[] = [];
        let lines = 0;
        if (dropped > 0)
          parts.push(encoder.encode(`event: dropped\ndata: ${JSON.stringify({ dropped })}\n\n`));
        for (const o of items) {
          if ("notice" in o)
            parts.push(encoder.encode(`event: notice\ndata: ${JSON.stringify(o.notice)}\n\n`));
          else {
            parts.push(o.sseBytes());
            lines++;
          }
        }
        if (parts.length)
          controller.enqueue(parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts));
        if (lines) hooks.sent?.(lines);
      },
      cancel() {
        close();
      },
    },
    // Backpressure: pull() is called only when the consumer has room; while it doesn't, the bounded
    // queue absorbs (and counts) what arrives.
    { highWaterMark: 1 },
  );
}
