import "server-only";
import type { KubeConfig } from "@kubernetes/client-node";
import type { ClusterInventory } from "@/lib/k8s/inventory";
import { dashboardMetrics, log, scrapeObserver } from "@/lib/observability";
import { PrometheusClient } from "@/lib/prometheus-api/client";
import type { Settings } from "@/lib/settings";
import { MetricsCollector } from "./collector";
import { PrometheusMetricsStore } from "./prometheus-store";
import type { MetricsStore } from "./store";
import { metricsFetchers } from "./transports";

/**
 * The MetricsStore DASHBOARD_METRICS_SOURCE asks for: `scrape` (the dashboard scrapes every pod itself)
 * or `prometheus` (the cluster's metrics engine already holds every node's series; nothing is scraped).
 */
export function metricsStoreFor(s: Settings, kc: KubeConfig, inventory: ClusterInventory): MetricsStore {
  if (s.DASHBOARD_METRICS_SOURCE === "prometheus") {
    const client = new PrometheusClient({
      url: s.DASHBOARD_PROMETHEUS_URL,
      timeoutMs: s.DASHBOARD_PROMETHEUS_TIMEOUT_MS,
      concurrency: s.DASHBOARD_PROMETHEUS_CONCURRENCY,
      bearerTokenFile: s.DASHBOARD_PROMETHEUS_BEARER_TOKEN_FILE || undefined,
      caFile: s.DASHBOARD_PROMETHEUS_CA_FILE || undefined,
      headers: s.DASHBOARD_PROMETHEUS_HEADERS,
    });
    log.info("metrics from a metrics engine", {
      url: client.baseUrl,
      selector: `{${s.DASHBOARD_PROMETHEUS_SELECTOR}}`,
      rateWindowSeconds: s.DASHBOARD_PROMETHEUS_RATE_WINDOW,
    });
    return new PrometheusMetricsStore(inventory, client, {
      selector: s.DASHBOARD_PROMETHEUS_SELECTOR,
      selectorText: `{${s.DASHBOARD_PROMETHEUS_SELECTOR}}`,
      windowSeconds: s.DASHBOARD_PROMETHEUS_RATE_WINDOW,
      intervalMs: s.DASHBOARD_SCRAPE_INTERVAL_MS,
      retentionMinutes: s.DASHBOARD_RETENTION_MINUTES,
    });
  }
  return new MetricsCollector(
    inventory,
    metricsFetchers(kc),
    {
      intervalMs: s.DASHBOARD_SCRAPE_INTERVAL_MS,
      timeoutMs: s.DASHBOARD_SCRAPE_TIMEOUT_MS,
      concurrency: s.DASHBOARD_SCRAPE_CONCURRENCY,
      maxBytes: s.DASHBOARD_SCRAPE_MAX_BYTES,
      maxSamples: s.DASHBOARD_SCRAPE_MAX_SAMPLES,
      retentionMinutes: s.DASHBOARD_RETENTION_MINUTES,
      transport: s.DASHBOARD_SCRAPE_TRANSPORT,
    },
    scrapeObserver(dashboardMetrics(), log),
  );
}
