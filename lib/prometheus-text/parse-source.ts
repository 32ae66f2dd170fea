/**
 * Reading one exposition from where an operator points the `scrape` command: an http(s) URL (a
 * node's :9253/metrics) or a saved dump on disk. The body limit is enforced while reading, so an
 * endless /metrics cannot fill memory before the parser gets to refuse it.
 */
import fs from "node:fs/promises";
import { ScrapeLimitError } from "./parse-errors";
import { parsePrometheusText } from "./parse";
import type { ParsedExposition, ParseOptions } from "./samples";

/** Fetching or reading the exposition failed before parsing (HTTP status, network, missing file). */
export class ExpositionSourceError extends Error {
  override readonly name = "ExpositionSourceError";
}

/** Options for `readExpositionSource`. */
export interface SourceOptions {
  maxBodyBytes?: number;
  /** Deadline for an HTTP scrape, connect to last byte. Default 10 s, like Prometheus's scrape_timeout. */
  timeoutMs?: number;
}

function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** The exposition text at `source` (URL or file path), refusing bodies over `maxBodyBytes`. */
export async function readExpositionSource(source: string, opts: SourceOptions = {}): Promise<string> {
  return isUrl(source) ? fetchExposition(source, opts) : readExpositionFile(source, opts.maxBodyBytes);
}

/** Reads and parses `source` in one step (see `readExpositionSource` and `parsePrometheusText`). */
export async function scrapeSource(
  source: string,
  opts: ParseOptions & SourceOptions = {},
): Promise<ParsedExposition> {
  return parsePrometheusText(await readExpositionSource(source, opts), opts);
}

async function readExpositionFile(path: string, maxBodyBytes: number | undefined): Promise<string> {
  try {
    const { size } = await fs.stat(path);
    if (maxBodyBytes !== undefined && size > maxBodyBytes)
      throw ScrapeLimitError.bodyTooLarge(size, maxBodyBytes);
    return await fs.readFile(path, "utf8");
  } catch (err) {
    if (err instanceof ScrapeLimitError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new ExpositionSourceError(`${path}: no such file (give a saved /metrics dump or an http:// URL)`);
    if (code === "EISDIR") throw new ExpositionSourceError(`${path}: is a directory, not a /metrics dump`);
    throw new ExpositionSourceError(`${path}: cannot read: ${(err as Error).message}`);
  }
}

async function fetchExposition(url: string, opts: SourceOptions): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { accept: "text/plain;version=0.0.4;q=1,*/*;q=0.1" },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new ExpositionSourceError(`GET ${url}: ${describeFetchFailure(err, timeoutMs)}`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new ExpositionSourceError(
      `GET ${url} answered ${res.status} ${res.statusText}; is this the metrics port (9253 for node-local-dns) and path /metrics?`,
    );
  }
  const declared = Number(res.headers.get("content-length"));
  if (opts.maxBodyBytes !== undefined && declared > opts.maxBodyBytes) {
    await res.body?.cancel();
    throw ScrapeLimitError.bodyTooLarge(declared, opts.maxBodyBytes);
  }
  const reader = res.body?.getReader();
  if (!reader) return "";
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (opts.maxBodyBytes !== undefined && bytes > opts.maxBodyBytes) {
        await reader.cancel();
        throw ScrapeLimitError.bodyTooLarge(bytes, opts.maxBodyBytes);
      }
      text += decoder.decode(value, { stream: true });
    }
  } catch (err) {
    if (err instanceof ScrapeLimitError) throw err;
    throw new ExpositionSourceError(`GET ${url}: body ended early: ${describeFetchFailure(err, timeoutMs)}`);
  }
  return text + decoder.decode();
}

/** fetch() wraps the real reason (ECONNREFUSED, timeout) in a generic TypeError; dig it out. */
function describeFetchFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof DOMException && (err.name === "TimeoutError" || err.name === "AbortError"))
    return `no complete answer within ${timeoutMs} ms`;
  const cause = err instanceof Error ? (err.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (cause?.code === "ECONNREFUSED") return "connection refused (is the pod running and the port right?)";
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
