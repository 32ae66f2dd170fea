import "server-only";
import { z } from "zod";
import { parseExtraHeaders } from "@/lib/prometheus-api/headers";
import { parseDurationSeconds, parseSelector } from "@/lib/prometheus-api/selector";

/** A string setting parsed by `parse`; the Error it throws becomes the setting's problem. */
function parsedWith<T>(parse: (v: string) => T, fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      try {
        return parse(v);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    });
}

/**
 * Every setting the server reads, from environment variables, validated once. Names are documented in
 * the README ("Settings"); defaults match the upstream node-local-dns manifest.
 */
const schema = z.object({
  /** kubeconfig context to use (like `kubectl --context`); empty = the kubeconfig's current context. */
  DASHBOARD_CONTEXT: z.string().default(""),
  DASHBOARD_NAMESPACE: z.string().min(1).default("kube-system"),
  DASHBOARD_POD_SELECTOR: z.string().min(1).default("k8s-app=node-local-dns"),
  DASHBOARD_DAEMONSET: z.string().min(1).default("node-local-dns"),
  DASHBOARD_CONFIGMAP: z.string().min(1).default("node-local-dns"),
  DASHBOARD_CONTAINER: z.string().min(1).default("node-cache"),
  /**
   * The `prometheus :9253` port; a container port named "metrics" on the pod wins when present, then
   * node-cache's `-prometheus-listen-address` argument.
   */
  DASHBOARD_METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9253),
  /** How metrics are read: straight from podIP:9253, through the API server's pod proxy, or a port-forward. */
  DASHBOARD_SCRAPE_TRANSPORT: z.enum(["auto", "direct", "proxy", "portforward"]).default("auto"),
  DASHBOARD_SCRAPE_INTERVAL_MS: z.coerce.number().int().min(250).default(5000),
  DASHBOARD_SCRAPE_TIMEOUT_MS: z.coerce.number().int().min(100).default(4000),
  DASHBOARD_SCRAPE_CONCURRENCY: z.coerce.number().int().min(1).default(32),
  /** Like Prometheus's body_size_limit / sample_limit. */
  DASHBOARD_SCRAPE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024),
  DASHBOARD_SCRAPE_MAX_SAMPLES: z.coerce.number().int().min(1).default(50_000),
  /** How much history each node keeps in memory. */
  DASHBOARD_RETENTION_MINUTES: z.coerce.number().int().min(1).default(60),
  /** Who is asking (lib/auth): `local` = the kubeconfig's user, `proxy` = an authenticating proxy's headers, `token` = a person's own token. */
  DASHBOARD_AUTH: z.enum(["local", "proxy", "token"]).default("local"),
  /** `true` refuses every write (403), whoever asks. */
  DASHBOARD_READ_ONLY: z
    .enum(["true", "false", ""])
    .default("false")
    .transform((v) => v === "true"),
  /** proxy mode: the value the ingress puts in X-Dashboard-Proxy-Secret; user headers are trusted only with it. */
  DASHBOARD_PROXY_SECRET: z.string().default(""),
  /** Host names the dashboard answers to besides loopback names (DNS-rebinding protection, lib/auth/hosts.ts). */
  DASHBOARD_ALLOWED_HOSTS: z.string().default(""),
  /** Log streams (SSE) open at once, all people together; the next one is answered 429. */
  DASHBOARD_LOG_STREAMS_MAX: z.coerce.number().int().min(1).default(1000),
  /** Log streams one person may have open at once. */
  DASHBOARD_LOG_STREAMS_PER_USER: z.coerce.number().int().min(1).default(50),
  /** Lines buffered per log stream for a browser that reads slower than lines arrive. */
  DASHBOARD_LOG_STREAM_BUFFER: z.coerce.number().int().min(1).default(5000),
  /** Nodes a log stream follows when the request names none: all up to this many, else the first this many by name. */
  DASHBOARD_LOG_FOLLOW_MAX: z.coerce.number().int().min(1).default(50),
  /** The most nodes one log stream may name (past it: 400); never below DASHBOARD_LOG_FOLLOW_MAX. */
  DASHBOARD_LOG_FOLLOW_CAP: z.coerce.number().int().min(1).default(500),
  /** Login attempts one client (the last X-Forwarded-For address, else all direct callers together) may make per minute. */
  DASHBOARD_LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Logins one person may make per hour (a session is 8 h). */
  DASHBOARD_LOGINS_PER_USER_PER_HOUR: z.coerce.number().int().min(1).default(30),
  /** Health verdict (lib/coredns/health.ts): SERVFAIL share of answers that is a warning (5× it: critical). */
  DASHBOARD_HEALTH_SERVFAIL_RATIO: z.coerce.number().min(0).max(1).default(0.05),
  /** p99 answer latency in seconds that is a warning (5× it: critical). */
  DASHBOARD_HEALTH_P99_SECONDS: z.coerce.number().min(0).default(0.1),
  /** Resident memory / container limit that is a warning (0.95: critical). */
  DASHBOARD_HEALTH_MEMORY_RATIO: z.coerce.number().min(0).max(1).default(0.8),
  /** Sessions one person may hold at once: a new login past it ends that person's oldest session. */
  DASHBOARD_SESSIONS_PER_USER: z.coerce.number().int().min(1).default(10),

  /** Where the numbers come from: scrape every pod ourselves, or ask the cluster's Prometheus-API engine. */
  DASHBOARD_METRICS_SOURCE: z.enum(["scrape", "prometheus"]).default("scrape"),
  /** Base URL of the query API (Prometheus, Thanos Query, Mimir's /prometheus, VictoriaMetrics). */
  DASHBOARD_PROMETHEUS_URL: z
    .string()
    .default("")
    .refine((v) => v === "" || /^https?:\/\/[^/]/.test(v), "must be an http:// or https:// URL"),
  DASHBOARD_PROMETHEUS_BEARER_TOKEN_FILE: z.string().default(""),
  DASHBOARD_PROMETHEUS_CA_FILE: z.string().default(""),
  /** `{"X-Scope-OrgID":"tenant"}` or `X-Scope-OrgID=tenant,Other=v`. */
  DASHBOARD_PROMETHEUS_HEADERS: parsedWith(parseExtraHeaders, ""),
  /** Which series are node-local-dns's. */
  DASHBOARD_PROMETHEUS_SELECTOR: parsedWith(parseSelector, '{job=~".*node-local-dns.*"}'),
  DASHBOARD_PROMETHEUS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  DASHBOARD_PROMETHEUS_CONCURRENCY: z.coerce.number().int().min(1).default(4),
  /** The `[window]` of rate(): at least 4 of the engine's scrape intervals (2m suits a 30s scrape). */
  DASHBOARD_PROMETHEUS_RATE_WINDOW: parsedWith(parseDurationSeconds, "2m"),
});

export type Settings = z.infer<typeof schema>;

let cached: Settings | undefined;

export function settings(): Settings {
  if (!cached) {
    const parsed = schema.safeParse(process.env);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new Error(`invalid dashboard settings in the environment: ${problems}`);
    }
    if (parsed.data.DASHBOARD_METRICS_SOURCE === "prometheus" && parsed.data.DASHBOARD_PROMETHEUS_URL === "")
      throw new Error(
        "invalid dashboard settings in the environment: DASHBOARD_METRICS_SOURCE=prometheus needs DASHBOARD_PROMETHEUS_URL (the query API's base URL)",
      );
    cached = parsed.data;
  }
  return cached;
}
