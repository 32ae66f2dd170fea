/**
 * Counts what a log stream (lib/logs/sse.ts) sends, by reading its own output: `line` events sent and
 * the `dropped` markers' counts. Watching the bytes keeps the stream's code free of metrics.
 */

/** Count of line events and dropped lines in one SSE chunk (sse.ts writes whole events per chunk). */
export function countSseChunk(text: string): { lines: number; dropped: number } {
  let lines = 0;
  let dropped = 0;
  for (let i = text.indexOf("event: "); i !== -1; i = text.indexOf("event: ", i + 7)) {
    if (i !== 0 && text.charCodeAt(i - 1) !== 10) continue;
    if (text.startsWith("line\n", i + 7)) lines += 1;
    else if (text.startsWith("dropped\ndata: ", i + 7)) {
      const start = i + 7 + "dropped\ndata: ".length;
      const end = text.indexOf("\n", start);
      try {
        const n = (JSON.parse(text.slice(start, end === -1 ? undefined : end)) as { dropped?: unknown })
          .dropped;
        if (typeof n === "number" && n > 0) dropped += n;
      } catch {
        // Not our marker's shape: nothing to count.
      }
    }
  }
  return { lines, dropped };
}

/** Pass `body` through unchanged, reporting counts as chunks go by and `onClose` once when it ends. */
export function countSseStream(
  body: ReadableStream<Uint8Array>,
  onCounts: (c: { lines: number; dropped: number }) => void,
  onClose: () => void,
): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let closed = false;
  const close = () => {
    if (!closed) {
      closed = true;
      onClose();
    }
  };
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            close();
            controller.close();
            return;
          }
          const c = countSseChunk(decoder.decode(value, { stream: true }));
          if (c.lines || c.dropped) onCounts(c);
          controller.enqueue(value);
        } catch (err) {
          close();
          controller.error(err);
        }
      },
      async cancel(reason) {
        close();
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
