import "server-only";
import { CiliumPolicies } from "@/lib/cilium/reader";
import { configDeps } from "@/lib/config/deps";
import { ConfigService } from "@/lib/config/service";
import { corefileMetricsPort } from "@/lib/corefile/metrics-port";
import { DashboardError, describeError } from "@/lib/errors";
import { PodEventsReader } from "@/lib/k8s/pod-events";
import { ClusterInventory } from "@/lib/k8s/inventory";
import { LogHub } from "@/lib/logs/hub";
import { NodeJudgements } from "@/lib/views/judgements";
import { StreamSlots } from "@/lib/logs/stream-slots";
import { apiServerUrl, processKubeConfig } from "@/lib/k8s/kubeconfig";
import { metricsStoreFor } from "@/lib/metrics/source";
import type { MetricsStore } from "@/lib/metrics/store";
import { dashboardMetrics, log } from "@/lib/observability";
import { settings, type Settings } from "@/lib/settings";

/** The long-lived server-side state: one inventory (watches) and one collector per server process. */
export interface Dashboard {
  settings: Settings;
  apiServer: string;
  context: string;
  inventory: ClusterInventory;
  /** Where every page's numbers come from (the scrape collector, or a metrics engine). */
  metrics: MetricsStore;
  logs: LogHub;
  /** Odd-node marks and health verdicts, judged once per round. */
  judgements: NodeJudgements;
  /** Log streams open now, in all and per person (the cap answers 429). */
  logStreams: StreamSlots;
  /** The Config page: Corefile edits, rollout restarts, history, timed log-off. */
  config: ConfigService;
  /** A cache pod's recent Events, read on demand for its node's page (cached 10 s). */
  podEvents: PodEventsReader;
  /** Cilium's redirect and network policies, read with the dashboard's identity (LRP layout). */
  cilium: CiliumPolicies;
  startedAt: string;
}

type Holder = { dashboard?: Dashboard; failure?: DashboardError; starting?: Promise<Dashboard> };
// Survives Next.js dev-server module reloads so there is never a second collector.
const holder = ((globalThis as { __nodelocalDnsDashboard?: Holder }).__nodelocalDnsDashboard ??= {});

/** Start (once) and return the dashboard's server state; throws a DashboardError if the cluster cannot be configured. */
export function startDashboard(): Promise<Dashboard> {
  if (holder.dashboard) return Promise.resolve(holder.dashboard);
  holder.starting ??= (async () => {
    const s = settings();
    let kc;
    try {
      kc = processKubeConfig(s.DASHBOARD_CONTEXT);
    } catch (err) {
      holder.failure = err instanceof DashboardError ? err : new DashboardError(500, describeError(err));
      log.error("cannot configure cluster access", { error: holder.failure.message });
      holder.starting = undefined;
      throw holder.failure;
    }
    const inventory = new ClusterInventory(kc, {
      namespace: s.DASHBOARD_NAMESPACE,
      podSelector: s.DASHBOARD_POD_SELECTOR,
      daemonSet: s.DASHBOARD_DAEMONSET,
      container: s.DASHBOARD_CONTAINER,
      metricsPort: s.DASHBOARD_METRICS_PORT,
    });
    const collector = metricsStoreFor(s, kc, inventory);
    const cilium = new CiliumPolicies(kc, s.DASHBOARD_NAMESPACE, s.DASHBOARD_SCRAPE_INTERVAL_MS);
    const dashboard: Dashboard = {
      settings: s,
      apiServer: apiServerUrl(kc),
      context: kc.getCurrentContext(),
      inventory,
      metrics: collector,
      logs: new LogHub(kc, inventory, {
        namespace: s.DASHBOARD_NAMESPACE,
        container: s.DASHBOARD_CONTAINER,
        tailLines: 20,
      }),
      judgements: new NodeJudgements({
        servfailRatioWarning: s.DASHBOARD_HEALTH_SERVFAIL_RATIO,
        servfailRatioCritical: Math.min(1, s.DASHBOARD_HEALTH_SERVFAIL_RATIO * 5),
        latencyP99Warning: s.DASHBOARD_HEALTH_P99_SECONDS,
        latencyP99Critical: s.DASHBOARD_HEALTH_P99_SECONDS * 5,
        memoryRatioWarning: s.DASHBOARD_HEALTH_MEMORY_RATIO,
        memoryRatioCritical: Math.max(s.DASHBOARD_HEALTH_MEMORY_RATIO, 0.95),
      }),
      logStreams: new StreamSlots(s.DASHBOARD_LOG_STREAMS_MAX, s.DASHBOARD_LOG_STREAMS_PER_USER),
      config: new ConfigService(
        configDeps(
          kc,
          {
            namespace: s.DASHBOARD_NAMESPACE,
            configMap: s.DASHBOARD_CONFIGMAP,
            daemonSet: s.DASHBOARD_DAEMONSET,
            container: s.DASHBOARD_CONTAINER,
          },
          inventory,
          collector,
          cilium,
        ),
        { onCorefile: (text) => inventory.setCorefileMetricsPort(corefileMetricsPort(text)) },
      ),
      podEvents: new PodEventsReader(kc, s.DASHBOARD_NAMESPACE),
      cilium,
      startedAt: new Date().toISOString(),
    };
    holder.dashboard = dashboard;
    holder.failure = undefined;
    dashboardMetrics().setSources({
      nodes: () => inventory.snapshot().nodes.length,
      cachePods: () => inventory.snapshot().pods.length,
      apiServerProblem: () => inventory.snapshot().apiProblem !== null,
      sseClients: () => dashboard.logs.subscriberCount(),
    });
    log.info("collector starting", {
      apiServer: dashboard.apiServer,
      context: dashboard.context,
      auth: s.DASHBOARD_AUTH,
      readOnly: s.DASHBOARD_READ_ONLY,
      source: s.DASHBOARD_METRICS_SOURCE,
      transport: s.DASHBOARD_SCRAPE_TRANSPORT,
      intervalMs: s.DASHBOARD_SCRAPE_INTERVAL_MS,
    });
    // Don't block on the API server: the inventory retries and reports its problem on the page.
    void inventory.start().then(() => collector.start());
    // Outside edits into the history, and a timed log-off set by any replica (or a previous process).
    void dashboard.config.start();
    return dashboard;
  })();
  return holder.starting;
}

/** The dashboard if started, without starting it (for health checks). */
export function currentDashboard(): Dashboard | undefined {
  return holder.dashboard;
}

/**
 * Stops everything the dashboard runs in this process — the inventory's watches, the metrics
 * source (aborting scrapes or queries in flight), the log hub's pod log streams and the Config
 * page's timers — and forgets it, so the next request starts afresh. For shutdown (SIGTERM) and tests.
 */
export async function stopDashboard(): Promise<void> {
  const starting = holder.starting;
  holder.starting = undefined;
  const d = holder.dashboard ?? (await starting?.catch(() => undefined));
  holder.dashboard = undefined;
  if (!d) return;
  await d.config.stop();
  d.logs.stop();
  await Promise.all([d.metrics.stop(), d.inventory.stop()]);
  log.info("dashboard stopped", { context: d.context });
}
