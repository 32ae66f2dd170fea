/**
 * The collector's observer: counts scrapes into the dashboard's metrics and logs what an operator
 * needs to hear once — a node's scrapes starting to fail (not every interval after), the API server
 * becoming unreachable, and each recovery.
 */
import type { CollectorObserver } from "@/lib/metrics/collector";
import { FailureRuns } from "./failure-runs";
import type { Logger } from "./log";
import type { DashboardMetrics } from "./metrics";
import { scrapeErrorKind } from "./scrape-error-kind";

const API_SERVER = "\u0000api-server";

export function scrapeObserver(metrics: DashboardMetrics, logger: Logger): CollectorObserver {
  const runs = new FailureRuns();
  return {
    attempt(_node, transport, error) {
      metrics.scrapes.inc({ transport, result: error === null ? "success" : "failure" });
      if (error !== null) metrics.scrapeErrors.inc({ kind: scrapeErrorKind(error) });
    },
    nodeResult(node, failure) {
      const t = runs.record(`node:${node}`, failure !== null);
      if (t === "failing" && failure) {
        logger.warn("scrape failing", { node, transport: failure.transport, error: failure.message });
      } else if (t === "recovered") {
        logger.info("scrape recovered", { node });
      }
    },
    round({ durationMs, nodes, pods, apiProblem }) {
      metrics.scrapeRounds.inc();
      metrics.scrapeRoundSeconds.observe({}, durationMs / 1000);
      const t = runs.record(API_SERVER, apiProblem !== null);
      if (t === "failing") logger.error("API server problem", { error: apiProblem, nodes, pods });
      else if (t === "recovered") logger.info("API server recovered", { nodes, pods });
    },
  };
}
