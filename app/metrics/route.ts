import { renderMetrics } from "@/lib/observability";

export const dynamic = "force-dynamic";

/**
 * The dashboard's own Prometheus metrics (README "The dashboard's own metrics"). GET only: it changes
 * nothing, and holds counts and gauges, never a credential, a token or a URL with one.
 */
export function GET(): Response {
  return new Response(renderMetrics(), {
    headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
  });
}
