/**
 * lib/prometheus-api: decoding the query API's answers and errors, the selector/headers/duration
 * settings, and the client against a real HTTP server on loopback (deadline, bounded concurrency,
 * bearer token file, extra headers, the engine's error bodies).
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrometheusClient } from "@/lib/prometheus-api/client";
import { parseExtraHeaders } from "@/lib/prometheus-api/headers";
import { parseDurationSeconds, parseSelector, promDuration, series } from "@/lib/prometheus-api/selector";
import {
  decodeResult,
  errorFromResponse,
  parseSampleValue,
  PrometheusError,
} from "@/lib/prometheus-api/types";

describe("decodeResult", () => {
  it("reads a vector, with Go's spellings of the special values", () => {
    const body = JSON.stringify({
      status: "success",
      data: {
        resultType: "vector",
        result: [
          { metric: { instance: "10.0.0.1:9253" }, value: [1700000000.123, "42.5"] },
          { metric: { instance: "10.0.0.2:9253" }, value: [1700000000, "NaN"] },
          { metric: {}, value: [1700000000, "+Inf"] },
        ],
      },
    });
    const out = decodeResult(body, "vector");
    expect(out).toEqual([
      { labels: { instance: "10.0.0.1:9253" }, t: 1700000000123, value: 42.5 },
      { labels: { instance: "10.0.0.2:9253" }, t: 1700000000000, value: NaN },
      { labels: {}, t: 1700000000000, value: Infinity },
    ]);
    expect(parseSampleValue("-Inf")).toBe(-Infinity);
  });

  it("reads a matrix", () => {
    const body = JSON.stringify({
      status: "success",
      data: {
        resultType: "matrix",
        result: [
          {
            metric: { node: "a" },
            values: [
              [10, "1"],
              [20, "2"],
            ],
          },
        ],
      },
    });
    expect(decodeResult(body, "matrix")).toEqual([
      {
        labels: { node: "a" },
        points: [
          { t: 10_000, value: 1 },
          { t: 20_000, value: 2 },
        ],
      },
    ]);
  });

  it("refuses a body that is not the API's JSON, or the wrong result type", () => {
    expect(() => decodeResult("<html>login</html>", "vector")).toThrow(/not JSON.*<html>login/);
    const scalar = JSON.stringify({ status: "success", data: { resultType: "scalar", result: [1, "1"] } });
    expect(() => decodeResult(scalar, "vector")).toThrow(/resultType "scalar" where vector/);
  });

  it("surfaces the engine's errorType and error", () => {
    const e = errorFromResponse(
      400,
      JSON.stringify({ status: "error", errorType: "bad_data", error: 'parse error: unexpected "}"' }),
    );
    expect(e).toBeInstanceOf(PrometheusError);
    expect(e.kind).toBe("api");
    expect(e.details).toEqual({ status: 400, errorType: "bad_data", error: 'parse error: unexpected "}"' });
    expect(e.message).toBe('the engine refused the query (bad_data): parse error: unexpected "}"');
    const proxy = errorFromResponse(502, "<html>Bad Gateway</html>");
    expect(proxy.kind).toBe("http");
    expect(proxy.message).toContain("HTTP 502: <html>Bad Gateway</html>");
    expect(errorFromResponse(401, "no").message).toMatch(/BEARER_TOKEN_FILE/);
    expect(errorFromResponse(404, "404 page not found").message).toMatch(/\/api\/v1\/query/);
  });
});

describe("settings parsers", () => {
  it("selectors: braces required, matchers kept, extra matchers appended", () => {
    const sel = parseSelector('{job=~".*node-local-dns.*"}');
    expect(series("up", sel)).toBe('up{job=~".*node-local-dns.*"}');
    expect(series("up", sel, ['node="a"'])).toBe('up{job=~".*node-local-dns.*", node="a"}');
    expect(series("up", parseSelector("{}"))).toBe("up");
    expect(series("up", parseSelector('{ namespace="kube-system", }'))).toBe('up{namespace="kube-system"}');
    expect(series("up", parseSelector('{a="}{"}'))).toBe('up{a="}{"}');
    expect(() => parseSelector('job="x"')).toThrow(/in braces/);
    expect(() => parseSelector('{job="x}')).toThrow(/unterminated/);
    expect(() => parseSelector("{up}")).toThrow(/label matcher/);
    expect(() => parseSelector('{a="1"}{b="2"}')).toThrow(/unexpected/);
  });

  it("headers: a JSON object or Name=value pairs; bad names and newlines refused", () => {
    expect(parseExtraHeaders("")).toEqual({});
    expect(parseExtraHeaders('{"X-Scope-OrgID":"team-a"}')).toEqual({ "X-Scope-OrgID": "team-a" });
    expect(parseExtraHeaders("X-Scope-OrgID=team-a, X-Key = k=v")).toEqual({
      "X-Scope-OrgID": "team-a",
      "X-Key": "k=v",
    });
    expect(() => parseExtraHeaders("novalue")).toThrow(/Name=value/);
    expect(() => parseExtraHeaders('{"Bad Name":"x"}')).toThrow(/valid header name/);
    expect(() => parseExtraHeaders('{"X":"a\\r\\nInjected: 1"}')).toThrow(/one-line/);
    expect(() => parseExtraHeaders('{"X":1}')).toThrow(/one-line string/);
  });

  it("durations", () => {
    expect(parseDurationSeconds("2m")).toBe(120);
    expect(parseDurationSeconds("1m30s")).toBe(90);
    expect(parseDurationSeconds("500ms")).toBe(0.5);
    expect(() => parseDurationSeconds("2 minutes")).toThrow(/not a duration/);
    expect(() => parseDurationSeconds("0s")).toThrow();
    expect(promDuration(120)).toBe("2m");
    expect(promDuration(90)).toBe("90s");
    expect(promDuration(7200)).toBe("2h");
    expect(promDuration(0.2)).toBe("1s");
  });
});

describe("PrometheusClient against an HTTP server", () => {
  let server: http.Server;
  let base: string;
  let dir: string;
  const seen: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  /** Per test: how the fake engine answers. */
  let handler: (url: URL, res: http.ServerResponse) => void = () => {};

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "prom-client-"));
    server = http.createServer((req, res) => {
      seen.push({ url: req.url ?? "", headers: req.headers });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on("close", () => inFlight--);
      handler(new URL(req.url ?? "/", "http://x"), res);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const vector = (value: string) =>
    JSON.stringify({
      status: "success",
      data: { resultType: "vector", result: [{ metric: {}, value: [1, value] }] },
    });

  it("sends the query, the bearer token read from its file, and the extra headers", async () => {
    const tokenFile = path.join(dir, "token");
    fs.writeFileSync(tokenFile, "first-token\n");
    handler = (_u, res) => res.end(vector("7"));
    const client = new PrometheusClient({
      url: `${base}/prefix/`,
      timeoutMs: 5000,
      concurrency: 2,
      bearerTokenFile: tokenFile,
      headers: { "X-Scope-OrgID": "team-a" },
    });
    expect(await client.query("sum(up)", 1_700_000_000_000)).toEqual([{ labels: {}, t: 1000, value: 7 }]);
    const req = seen.at(-1)!;
    const url = new URL(req.url, base);
    expect(url.pathname).toBe("/prefix/api/v1/query");
    expect(url.searchParams.get("query")).toBe("sum(up)");
    expect(url.searchParams.get("time")).toBe("1700000000");
    expect(url.searchParams.get("timeout")).toMatch(/^\d+ms$/);
    expect(req.headers.authorization).toBe("Bearer first-token");
    expect(req.headers["x-scope-orgid"]).toBe("team-a");
    // A rotated token is used on the next query.
    fs.writeFileSync(tokenFile, "second-token");
    await client.query("1");
    expect(seen.at(-1)!.headers.authorization).toBe("Bearer second-token");
  });

  it("range queries carry start, end and step", async () => {
    handler = (_u, res) =>
      res.end(JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } }));
    const client = new PrometheusClient({ url: base, timeoutMs: 5000, concurrency: 1 });
    expect(await client.queryRange("up", 1_000_000, 1_060_000, 15)).toEqual([]);
    const url = new URL(seen.at(-1)!.url, base);
    expect(url.pathname).toBe("/api/v1/query_range");
    expect([
      url.searchParams.get("start"),
      url.searchParams.get("end"),
      url.searchParams.get("step"),
    ]).toEqual(["1000", "1060", "15"]);
  });

  it("an error body reaches the caller with errorType and error", async () => {
    handler = (_u, res) => {
      res.statusCode = 422;
      res.end(
        JSON.stringify({
          status: "error",
          errorType: "execution",
          error: "query timed out in expression evaluation",
        }),
      );
    };
    const client = new PrometheusClient({ url: base, timeoutMs: 5000, concurrency: 1 });
    const err = (await client.query("up").catch((e: unknown) => e)) as PrometheusError;
    expect(err.kind).toBe("api");
    expect(err.details.errorType).toBe("execution");
    expect(err.message).toContain("query timed out in expression evaluation");
    expect(client.stats().lastError?.message).toBe(err.message);
  });

  it("a slow engine hits the deadline; at most `concurrency` queries are in flight", async () => {
    const parked: http.ServerResponse[] = [];
    handler = (_u, res) => parked.push(res);
    maxInFlight = 0;
    const client = new PrometheusClient({ url: base, timeoutMs: 400, concurrency: 2 });
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        client.query("up").then(
          () => null,
          (e: unknown) => e as PrometheusError,
        ),
      ),
    );
    for (const r of results) expect(r?.kind).toBe("timeout");
    expect(results.some((r) => /did not answer within 400 ms/.test(r?.message ?? ""))).toBe(true);
    expect(results.some((r) => /no query slot within 400 ms/.test(r?.message ?? ""))).toBe(true);
    expect(maxInFlight).toBe(2);
    for (const res of parked) res.destroy();
  });

  it("an engine that is not there is 'refused'; an unreadable token file is a config problem", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const gone = new PrometheusClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 2000, concurrency: 1 });
    await expect(gone.query("up")).rejects.toMatchObject({ kind: "refused" });
    const noToken = new PrometheusClient({
      url: base,
      timeoutMs: 2000,
      concurrency: 1,
      bearerTokenFile: path.join(dir, "missing"),
    });
    await expect(noToken.query("up")).rejects.toMatchObject({
      kind: "config",
      message: expect.stringContaining("cannot read DASHBOARD_PROMETHEUS_BEARER_TOKEN_FILE"),
    });
  });
});
