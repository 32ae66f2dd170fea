import "server-only";
import http from "node:http";
import https from "node:https";

export interface GetTextOptions {
  /** Extra request options (TLS material, Authorization header) e.g. from KubeConfig.applyToHTTPSOptions. */
  requestOptions?: https.RequestOptions;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
}

/** Why a GET failed, in words an operator can act on. */
export class FetchTextError extends Error {
  override readonly name = "FetchTextError";
  constructor(
    message: string,
    readonly kind: "timeout" | "refused" | "http" | "too-large" | "network" | "aborted",
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * GET a URL and return its body as text, with a hard deadline covering connect + headers + body and a
 * body-size limit (a slow or endless /metrics must not hold a scrape slot or memory).
 */
export function getText(
  url: string,
  opts: GetTextOptions,
): Promise<{ status: number; contentType: string; body: string }> {
  const target = new URL(url);
  const lib = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: FetchTextError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new FetchTextError(`timed out after ${opts.timeoutMs} ms reading ${url}`, "timeout")),
      opts.timeoutMs,
    );
    const onAbort = () => fail(new FetchTextError("scrape cancelled", "aborted"));
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const req = lib.request(
      target,
      {
        ...opts.requestOptions,
        method: "GET",
        agent: false,
        headers: { ...opts.requestOptions?.headers, accept: "text/plain" },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > opts.maxBytes) {
            fail(new FetchTextError(`body larger than the ${opts.maxBytes}-byte limit`, "too-large"));
            return;
          }
          chunks.push(chunk);
        });
        res.on("error", (err) => fail(new FetchTextError(err.message, "network")));
        res.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          opts.signal?.removeEventListener("abort", onAbort);
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
        res.on("aborted", () =>
          fail(new FetchTextError("connection closed before the body ended (truncated)", "network")),
        );
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNREFUSED")
        fail(new FetchTextError(`connection refused by ${target.host}`, "refused"));
      else fail(new FetchTextError(`${err.code ?? "error"}: ${err.message}`, "network"));
    });
    req.end();
  });
}
