import { startDashboard } from "@/lib/dashboard";
import { DashboardError } from "@/lib/errors";
import { errorResponse } from "@/lib/http/respond";
import { compileLogFilter, logFilterSchema } from "@/lib/logs/filter";
import { logEventStream } from "@/lib/logs/sse";
import { observedLogStream, timedRoute } from "@/lib/observability";

export const dynamic = "force-dynamic";

/** GET /api/logs/stream?node=&name=&type=&rcode=&client=&minDuration=&errors= — Server-Sent Events. */
export const GET = timedRoute("/api/logs/stream", async (request: Request): Promise<Response> => {
  try {
    const parsed = logFilterSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      throw new DashboardError(
        400,
        `invalid log filter: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    let filter;
    try {
      filter = compileLogFilter(parsed.data);
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
  } catch (err) {
    return errorResponse(err);
  }
});
