import "server-only";
import fs from "node:fs/promises";
import type https from "node:https";
import { FetchTextError, getText } from "@/lib/http/get-text";
import {
  decodeResult,
  errorFromResponse,
  PrometheusError,
  type InstantSample,
  type RangeSeries,
} from "./types";

export interface PrometheusClientOptions {
  /** Base URL of the query API: `http://prometheus:9090`, `https://thanos-query:10902`, `http://mimir/prometheus`. */
  url: string;
  /** Deadline for one query, waiting for a free slot included; also sent as the API's `timeout`. */
  timeoutMs: number;
  /** Queries in flight at once; the rest wait their turn. */
  concurrency: number;
  /** Largest answer accepted. */
  maxBytes?: number;
  /** Read before every query (projected service-account tokens rotate). */
  bearerTokenFile?: string;
  /** PEM bundle that signs the engine's certificate. */
  caFile?: string;
  /** Extra headers, e.g. `X-Scope-OrgID` for Mimir/Cortex tenants. */
  headers?: Record<string, string>;
}

/** How the client is doing, for the page's "where numbers come from" label. */
export interface PrometheusClientStats {
  inFlight: number;
  waiting: number;
  lastOkAt: number | null;
  lastError: { message: string; at: number } | null;
}

/**
 * A small client for Prometheus's HTTP query API (`/api/v1/query`, `/api/v1/query_range`) with a
 * deadline per query, bounded concurrency, a bearer token file, a CA file and extra headers.
 */
export class PrometheusClient {
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];
  private ca: { pem: string; readAt: number } | null = null;
  private lastOkAt: number | null = null;
  private lastError: { message: string; at: number } | null = null;

  constructor(private readonly opts: PrometheusClientOptions) {}

  get baseUrl(): string {
    return this.opts.url.replace(/\/+$/, "");
  }

  /** An instant query at `atMs` (now by default). */
  async query(expr: string, atMs?: number, signal?: AbortSignal): Promise<InstantSample[]> {
    const params = new URLSearchParams({ query: expr });
    if (atMs !== undefined) params.set("time", String(atMs / 1000));
    return (await this.get("/api/v1/query", params, "vector", signal)) as InstantSample[];
  }

  /** A range query over [startMs, endMs] every `stepSeconds`. */
  async queryRange(
    expr: string,
    startMs: number,
    endMs: number,
    stepSeconds: number,
    signal?: AbortSignal,
  ): Promise<RangeSeries[]> {
    const params = new URLSearchParams({
      query: expr,
      start: String(startMs / 1000),
      end: String(endMs / 1000),
      step: String(stepSeconds),
    });
    return (await this.get("/api/v1/query_range", params, "matrix", signal)) as RangeSeries[];
  }

  stats(): PrometheusClientStats {
    return {
      inFlight: this.inFlight,
      waiting: this.queue.length,
      lastOkAt: this.lastOkAt,
      lastError: this.lastError,
    };
  }

  private async get(
    path: string,
    params: URLSearchParams,
    want: "vector" | "matrix",
    signal?: AbortSignal,
  ): Promise<InstantSample[] | RangeSeries[]> {
    const deadline = Date.now() + this.opts.timeoutMs;
    try {
      await this.acquire(deadline);
      try {
        // Cancelled while it waited for a slot (the store stopping): do not start it.
        if (signal?.aborted) throw new PrometheusError(`query to ${this.baseUrl} cancelled`, "network");
        const remaining = Math.max(1, deadline - Date.now());
        // The engine stops evaluating at its own deadline too, a little before ours.
        params.set("timeout", `${Math.max(1, Math.floor(remaining * 0.9))}ms`);
        const res = await getText(`${this.baseUrl}${path}?${params.toString()}`, {
          timeoutMs: remaining,
          maxBytes: this.opts.maxBytes ?? 64 * 1024 * 1024,
          requestOptions: await this.requestOptions(),
          signal,
        }).catch((err: unknown) => {
          throw transportError(err, this.baseUrl, this.opts.timeoutMs);
        });
        if (res.status < 200 || res.status >= 300) throw errorFromResponse(res.status, res.body);
        const out = decodeResult(res.body, want);
        this.lastOkAt = Date.now();
        return out;
      } finally {
        this.release();
      }
    } catch (err) {
      const e = err instanceof PrometheusError ? err : new PrometheusError(String(err), "network");
      this.lastError = { message: e.message, at: Date.now() };
      throw e;
    }
  }

  private acquire(deadline: number): Promise<void> {
    if (this.inFlight < this.opts.concurrency) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        this.inFlight++;
        resolve();
      };
      const timer = setTimeout(
        () => {
          const i = this.queue.indexOf(grant);
          if (i >= 0) this.queue.splice(i, 1);
          reject(
            new PrometheusError(
              `no query slot within ${this.opts.timeoutMs} ms (${this.opts.concurrency} queries already in flight to ${this.baseUrl}; the engine is slow)`,
              "timeout",
            ),
          );
        },
        Math.max(0, deadline - Date.now()),
      );
      this.queue.push(grant);
    });
  }

  private release(): void {
    this.inFlight--;
    const next = this.queue.shift();
    if (next) next();
  }

  private async requestOptions(): Promise<https.RequestOptions> {
    const headers: Record<string, string> = { ...this.opts.headers };
    if (this.opts.bearerTokenFile) {
      const token = await readConfigFile(this.opts.bearerTokenFile, "DASHBOARD_PROMETHEUS_BEARER_TOKEN_FILE");
      headers.authorization = `Bearer ${token.trim()}`;
    }
    const options: https.RequestOptions = { headers };
    if (this.opts.caFile) {
      // Re-read now and then: a mounted CA bundle can rotate under a long-running process.
      if (!this.ca || Date.now() - this.ca.readAt > 5 * 60_000)
        this.ca = {
          pem: await readConfigFile(this.opts.caFile, "DASHBOARD_PROMETHEUS_CA_FILE"),
          readAt: Date.now(),
        };
      options.ca = this.ca.pem;
    }
    return options;
  }
}

async function readConfigFile(file: string, setting: string): Promise<string> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (err) {
    throw new PrometheusError(`cannot read ${setting} (${file}): ${(err as Error).message}`, "config");
  }
}

function transportError(err: unknown, url: string, timeoutMs: number): PrometheusError {
  if (err instanceof PrometheusError) return err;
  if (err instanceof FetchTextError) {
    switch (err.kind) {
      case "timeout":
        return new PrometheusError(`${url} did not answer within ${timeoutMs} ms`, "timeout");
      case "refused":
        return new PrometheusError(`${url} refused the connection (is the engine running?)`, "refused");
      case "aborted":
        return new PrometheusError(`query to ${url} cancelled`, "network");
      case "too-large":
        return new PrometheusError(`${url} answered more than the size limit: ${err.message}`, "too-large");
      default:
        return new PrometheusError(`cannot reach ${url}: ${err.message}`, "network");
    }
  }
  return new PrometheusError(
    `cannot reach ${url}: ${err instanceof Error ? err.message : String(err)}`,
    "network",
  );
}
