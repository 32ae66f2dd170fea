import type { MetricsSourceJson } from "@/lib/api-types";
import { formatAgo } from "@/lib/format";

/** Where the page's numbers come from (scraped by the dashboard, or read from a metrics engine). */
export function MetricsSourceLabel({ source }: { source: MetricsSourceJson }) {
  return (
    <p className="muted" data-metrics-source={source.kind}>
      Numbers {source.kind === "prometheus" ? "" : "by "}
      {source.description}.
    </p>
  );
}

/** Shown while the source of numbers cannot be read: what is wrong, since when, and what the page shows. */
export function MetricsSourceProblemBanner({ source, now }: { source: MetricsSourceJson; now: number }) {
  if (!source.problem) return null;
  return (
    <div className="banner banner-bad" role="alert" data-metrics-problem>
      <strong>
        {source.kind === "prometheus" ? "Cannot read the metrics engine" : "Cannot read metrics"}
      </strong>{" "}
      since {new Date(source.problem.since).toLocaleTimeString()} ({formatAgo(source.problem.since, now)}):{" "}
      {source.problem.message}. The numbers below are the last known; the dashboard keeps retrying.
    </div>
  );
}
