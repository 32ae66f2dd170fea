import "server-only";
import { BoundedQueue } from "./bounded-queue";
import type { CompiledLogFilter } from "./filter";
import type { FollowedLine } from "./follower";
import type { LogSource } from "./hub";
import { parseCorednsLogLine } from "./parse";
import type { LogLineEvent, LogNotice } from "./types";

/** One SSE `line` event: where and when the line came from, the parsed line (with `raw` kept). */
type Outgoing = { event: "line"; data: LogLineEvent } | { event: "notice"; data: LogNotice };

const HEARTBEAT_MS = 15_000;
const encoder = new TextEncoder();

/**
 * A Server-Sent Events body for one browser (or `curl -N`): filtered on the server, buffered per client
 * up to `capacity` events (then "N lines dropped" markers), heartbeats, and unsubscribed from the hub —
 * which aborts upstream streams nobody needs any more — when the client goes away.
 */
export function logEventStream(
  hub: LogSource,
  filter: CompiledLogFilter,
  signal: AbortSignal,
  capacity = 5000,
): ReadableStream<Uint8Array> {
  const queue = new BoundedQueue<Outgoing>(capacity);
  let unsubscribe: (() => void) | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    unsubscribe = null;
    if (heartbeat) clearInterval(heartbeat);
    queue.wake();
  };
  signal.addEventListener("abort", close, { once: true });

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(`retry: 2000\n: connected\n\n`));
        unsubscribe = hub.subscribe({
          nodes: filter.nodes,
          onLine(l: FollowedLine) {
            const line = parseCorednsLogLine(l.text);
            if (filter.matches(line))
              queue.push({ event: "line", data: { node: l.node, pod: l.pod, time: l.time, line } });
          },
          onNotice(n) {
            queue.push({ event: "notice", data: n });
          },
        });
        heartbeat = setInterval(() => {
          if (!closed) controller.enqueue(encoder.encode(`: heartbeat ${new Date().toISOString()}\n\n`));
        }, HEARTBEAT_MS);
      },
      async pull(controller) {
        await queue.wait();
        if (closed) {
          controller.close();
          return;
        }
        const { dropped, items } = queue.drain();
        let chunk = "";
        if (dropped > 0) chunk += `event: dropped\ndata: ${JSON.stringify({ dropped })}\n\n`;
        for (const o of items) chunk += `event: ${o.event}\ndata: ${JSON.stringify(o.data)}\n\n`;
        if (chunk) controller.enqueue(encoder.encode(chunk));
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
