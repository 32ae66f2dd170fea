/**
 * What the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`) answers, reshaped into small
 * types. Prometheus, Thanos Query, Mimir/Cortex and VictoriaMetrics all speak this API. Pure.
 */

/** A series' label set (`__name__` dropped by aggregation in every query this dashboard sends). */
export type PromLabels = Record<string, string>;

/** One sample of an instant vector: `t` in ms since the epoch. */
export interface InstantSample {
  labels: PromLabels;
  t: number;
  value: number;
}

/** One series of a range query's matrix. */
export interface RangeSeries {
  labels: PromLabels;
  points: { t: number; value: number }[];
}

/** Why a query failed: the engine's own `errorType`/`error` where it sent them. */
export type PrometheusErrorKind =
  | "timeout"
  | "refused"
  | "network"
  | "too-large"
  /** HTTP status other than 2xx without the API's error envelope (a proxy's 502 page, a 401). */
  | "http"
  /** The API's error envelope: `{"status":"error","errorType":"bad_data","error":"…"}`. */
  | "api"
  /** A 200 whose body is not the API's JSON, or not the result type asked for. */
  | "invalid"
  /** Misconfiguration on our side: unreadable bearer token or CA file. */
  | "config";

export class PrometheusError extends Error {
  override readonly name = "PrometheusError";
  constructor(
    message: string,
    readonly kind: PrometheusErrorKind,
    readonly details: { status?: number; errorType?: string; error?: string } = {},
  ) {
    super(message);
  }
}

/** Prometheus writes sample values as strings, with Go's spellings of the special values. */
export function parseSampleValue(v: string): number {
  switch (v) {
    case "+Inf":
    case "Inf":
      return Infinity;
    case "-Inf":
      return -Infinity;
    case "NaN":
      return NaN;
    default:
      return Number(v);
  }
}

type RawSample = [number, string];
interface RawEnvelope {
  status?: unknown;
  data?: { resultType?: unknown; result?: unknown };
  errorType?: unknown;
  error?: unknown;
  warnings?: unknown;
}

function isRawSample(x: unknown): x is RawSample {
  return Array.isArray(x) && x.length === 2 && typeof x[0] === "number" && typeof x[1] === "string";
}

function labelsOf(x: unknown): PromLabels {
  const out: PromLabels = {};
  if (x && typeof x === "object")
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) if (typeof v === "string") out[k] = v;
  return out;
}

/** Decode the JSON body of a successful answer; throws PrometheusError("invalid") on anything else. */
export function decodeResult(body: string, want: "vector" | "matrix"): InstantSample[] | RangeSeries[] {
  let env: RawEnvelope;
  try {
    env = JSON.parse(body) as RawEnvelope;
  } catch {
    throw new PrometheusError(
      `the engine answered something that is not JSON (${snippet(body)}) — is DASHBOARD_PROMETHEUS_URL the query API's base URL?`,
      "invalid",
    );
  }
  if (env.status === "error") throw apiError(200, env);
  const data = env.data;
  // An instant query over a scalar expression answers "scalar"; everything here aggregates into vectors.
  if (env.status !== "success" || !data || !Array.isArray(data.result) || data.resultType !== want) {
    throw new PrometheusError(
      `the engine answered resultType ${JSON.stringify(data?.resultType)} where ${want} was expected`,
      "invalid",
    );
  }
  if (want === "vector") {
    const out: InstantSample[] = [];
    for (const r of data.result as { metric?: unknown; value?: unknown }[]) {
      if (!isRawSample(r.value)) continue;
      out.push({
        labels: labelsOf(r.metric),
        t: Math.round(r.value[0] * 1000),
        value: parseSampleValue(r.value[1]),
      });
    }
    return out;
  }
  const out: RangeSeries[] = [];
  for (const r of data.result as { metric?: unknown; values?: unknown }[]) {
    const values = Array.isArray(r.values) ? r.values.filter(isRawSample) : [];
    out.push({
      labels: labelsOf(r.metric),
      points: values.map((v) => ({ t: Math.round(v[0] * 1000), value: parseSampleValue(v[1]) })),
    });
  }
  return out;
}

/** The error for a non-2xx answer: the API's `errorType`/`error` when the body has them. */
export function errorFromResponse(status: number, body: string): PrometheusError {
  let env: RawEnvelope | null = null;
  try {
    env = JSON.parse(body) as RawEnvelope;
  } catch {
    env = null;
  }
  if (env && env.status === "error") return apiError(status, env);
  const hint =
    status === 401 || status === 403
      ? " — check DASHBOARD_PROMETHEUS_BEARER_TOKEN_FILE and DASHBOARD_PROMETHEUS_HEADERS (X-Scope-OrgID for Mimir)"
      : status === 404
        ? " — is DASHBOARD_PROMETHEUS_URL the base of the query API (it must serve /api/v1/query)?"
        : "";
  return new PrometheusError(`the engine answered HTTP ${status}: ${snippet(body)}${hint}`, "http", {
    status,
  });
}

function apiError(status: number, env: RawEnvelope): PrometheusError {
  const errorType = typeof env.errorType === "string" ? env.errorType : "unknown";
  const error = typeof env.error === "string" ? env.error : "(no message)";
  return new PrometheusError(`the engine refused the query (${errorType}): ${error}`, "api", {
    status,
    errorType,
    error,
  });
}

function snippet(body: string): string {
  const s = body.replace(/\s+/g, " ").trim();
  return s.length > 200 ? `${s.slice(0, 200)}…` : s || "(empty body)";
}
