import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followEventStream, type StreamProblem } from "@/components/logs/log-stream-client";

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const json = (status: number, message: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify({ error: { status, message } }));
    };
    switch (url.pathname) {
      case "/bad":
        return json(400, "name filter /(a)\\1/ is not a regular expression this filter runs");
      case "/forbidden":
        return json(403, 'cannot read pods/log in kube-system: add "get" on "pods/log"');
      case "/busy":
        return json(429, "too many log streams", { "retry-after": "7" });
      case "/ok":
        res.writeHead(200, { "content-type": "text/event-stream" });
        // Split mid-event, as a network may: the parser must join the pieces.
        res.write("retry: 2000\n: connected\n\nevent: line\nda");
        res.write('ta: {"n":1}\n\nevent: notice\ndata: {"k":"following"}\n\n');
        return;
    }
    json(404, "no");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Follows `path` until the first problem (or until `until` says stop). */
function follow(path: string, until?: (events: [string, string][]) => boolean) {
  const abort = new AbortController();
  const events: [string, string][] = [];
  let opened = false;
  return new Promise<{ problem: StreamProblem | null; events: [string, string][]; opened: boolean }>(
    (resolve) => {
      void followEventStream(
        `${base}${path}`,
        {
          onOpen: () => {
            opened = true;
          },
          onEvent(type, data) {
            events.push([type, data]);
            if (until?.(events)) {
              abort.abort();
              resolve({ problem: null, events, opened });
            }
          },
          onProblem(problem) {
            abort.abort();
            resolve({ problem, events, opened });
          },
        },
        abort.signal,
      );
    },
  );
}

describe("the Logs page's stream reader", () => {
  it("hands over a 400's message and stops (retrying cannot fix a filter)", async () => {
    const { problem, opened } = await follow("/bad");
    expect(opened).toBe(false);
    expect(problem).toEqual({
      status: 400,
      message: "name filter /(a)\\1/ is not a regular expression this filter runs",
      retryAt: null,
    });
  });

  it("a 403 is the server's message too, and final", async () => {
    const { problem } = await follow("/forbidden");
    expect(problem?.status).toBe(403);
    expect(problem?.message).toMatch(/add "get" on "pods\/log"/);
    expect(problem?.retryAt).toBeNull();
  });

  it("a 429 waits for its Retry-After", async () => {
    const t = Date.now();
    const { problem } = await follow("/busy");
    expect(problem?.message).toBe("too many log streams");
    expect(problem?.retryAt).toBeGreaterThanOrEqual(t + 7000);
  });

  it("reads named events from a 200 stream, across chunk boundaries", async () => {
    const { events, opened } = await follow("/ok", (e) => e.length === 2);
    expect(opened).toBe(true);
    expect(events).toEqual([
      ["line", '{"n":1}'],
      ["notice", '{"k":"following"}'],
    ]);
  });
});
