import { metricsContentType, renderMetrics } from "@/lib/observability";

export const dynamic = "force-dynamic";

/**
 * The dashboard's own Prometheus metrics (README "The dashboard's own metrics"). GET only: it changes
 * nothing, and holds counts and gauges, never a credential, a token or a URL with one.
 */
export async function GET(): Promise<Response> {
  return new Response(await renderMetrics(), {
    headers: { "content-type": metricsContentType(), "cache-control": "no-store" },
  });
}
