import { startDashboard } from "@/lib/dashboard";
import { DashboardError } from "@/lib/errors";
import { apiRoute, parseQuery } from "@/lib/http/route";
import { compileLogFilter, logFilterSchema } from "@/lib/logs/filter";
import { logEventStream } from "@/lib/logs/sse";
import { observedLogStream } from "@/lib/observability";

export const dynamic = "force-dynamic";

/** GET /api/logs/stream?node=&name=&type=&rcode=&client=&minDuration=&errors= — Server-Sent Events. */
export const GET = apiRoute("/api/logs/stream", async (request: Request) => {
  const query = parseQuery(request, logFilterSchema, "log filter");
  let filter;
  try {
    filter = compileLogFilter(query);
  } catch (err) {
    throw new DashboardError(400, (err as Error).message);
  }
  const d = await startDashboard();
  const body = observedLogStream(logEventStream(d.logs, filter, request.signal), {
    nodes: filter.nodes ? [...filter.nodes] : "all",
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});
