/**
 * Why a scrape failed, as one of a few fixed label values (an error message would make a new series
 * per node and per byte count).
 */
import { FetchTextError } from "@/lib/http/get-text";
import { PrometheusParseError, ScrapeLimitError } from "@/lib/prometheus-text/parse-errors";

/** The `kind` label of nodelocaldns_dashboard_scrape_errors_total. */
export type ScrapeErrorKind =
  "timeout" | "refused" | "http" | "too-large" | "parse" | "limit" | "network" | "other";

export function scrapeErrorKind(err: unknown): ScrapeErrorKind {
  if (err instanceof FetchTextError) {
    if (err.kind === "aborted") return "other";
    return err.kind;
  }
  if (err instanceof PrometheusParseError) return "parse";
  if (err instanceof ScrapeLimitError) return "limit";
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === "ECONNREFUSED") return "refused";
  if (code === "ETIMEDOUT") return "timeout";
  return "other";
}
