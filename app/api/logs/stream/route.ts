import { READS, requireReader } from "@/lib/auth/access";
import { startDashboard } from "@/lib/dashboard";
import { DashboardError } from "@/lib/errors";
import { apiRoute, parseQuery } from "@/lib/http/route";
import { compileLogFilter, logFilterSchema } from "@/lib/logs/filter";
import { followedLogFilter } from "@/lib/logs/follow-set";
import { logEventStream } from "@/lib/logs/sse";
import { observedLogStream } from "@/lib/observability";

export const dynamic = "force-dynamic";

/**
 * GET /api/logs/stream?node=&name=&type=&rcode=&client=&minDuration=&errors= — Server-Sent Events.
 * Only for people Kubernetes lets read the pods' logs; at most DASHBOARD_LOG_STREAMS_MAX streams in
 * all and DASHBOARD_LOG_STREAMS_PER_USER per person (then 429). The first event, `following`, says
 * which nodes the stream follows (lib/logs/follow-set.ts).
 */
export const GET = apiRoute("/api/logs/stream", async (request: Request) => {
  const query = parseQuery(request, logFilterSchema, "log filter");
  let filter;
  try {
    filter = compileLogFilter(query);
  } catch (err) {
    throw new DashboardError(400, (err as Error).message);
  }
  const who = await requireReader(request, [READS.queryLogs()]);
  const d = await startDashboard();
  // Which nodes to follow: all up to DASHBOARD_LOG_FOLLOW_MAX, else the first that many or the
  // request's own choice (400 past DASHBOARD_LOG_FOLLOW_CAP).
  const followed = followedLogFilter(query, d.inventory.snapshot().pods, {
    max: d.settings.DASHBOARD_LOG_FOLLOW_MAX,
    cap: d.settings.DASHBOARD_LOG_FOLLOW_CAP,
  });
  filter = followed.filter;
  const slot = d.logStreams.acquire(who.user);
  if (!slot.ok) throw new DashboardError(429, slot.reason, { retryAfterSeconds: 30 });
  const hooks = observedLogStream({ user: who.user, nodes: filter.nodes ? [...filter.nodes] : "all" });
  const body = logEventStream(d.logs, filter, request.signal, {
    capacity: d.settings.DASHBOARD_LOG_STREAM_BUFFER,
    following: followed.following,
    hooks: {
      ...hooks,
      closed() {
        slot.release();
        hooks.closed?.();
      },
    },
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
