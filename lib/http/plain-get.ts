import "server-only";
/**
 * One plain-HTTP GET over a fresh TCP connection, for scraping thousands of /metrics endpoints.
 *
 * Node's `http.request` costs about twice the CPU of the exchange itself (a ClientRequest, an agent,
 * an IncomingMessage stream per request; measured: 0.31 against 0.13 ms per 30 KB GET on one core):
 * at 5,000 nodes every 10 s that is a tenth of a core spent on bookkeeping. This speaks the few
 * bytes of HTTP/1.1 a metrics endpoint needs — one request with `Connection: close`, a status line,
 * `Content-Length` or `chunked` — and reads the raw response into one buffer. A body that ends early
 * (fewer bytes than its Content-Length, no terminating chunk) is reported as truncated, as
 * `getText` does; the deadline covers connect, headers and body.
 */
import net from "node:net";
import { FetchTextError, type GetTextOptions } from "./get-text";

export interface PlainResponse {
  status: number;
  contentType: string;
  body: string;
}

/** What a response head may take before the body: a metrics endpoint sends a few hundred bytes. */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Every socket reads into this one buffer (`onread`), and each read is copied at once into its
 * response's own buffer: without it Node allocates a buffer per read and the response was one more
 * copy (Buffer.concat) — at thousands of scrapes a round that was garbage the collector paid for.
 * One buffer serves all sockets because each read's callback runs before the next read.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
/** A response buffer's first size: a CoreDNS /metrics body is tens of KB; it doubles as needed. */
const FIRST_RESPONSE_BYTES = 64 * 1024;
/**
 * Response buffers given back once their body is a string, for the next scrapes: a round of 5,000
 * scrapes allocated 5,000 of them, and their garbage was most of the collector's GC time. Kept up to
 * the scrapes that run at once (the collector's concurrency is 32 by default).
 */
const spare: Buffer[] = [];
const MAX_SPARE = 64;
const MAX_SPARE_BYTES = 1 << 20;
const takeBuffer = () => spare.pop() ?? Buffer.allocUnsafe(FIRST_RESPONSE_BYTES);
const giveBack = (b: Buffer) => {
  if (spare.length < MAX_SPARE && b.length <= MAX_SPARE_BYTES) spare.push(b);
};

export function plainGet(
  host: string,
  port: number,
  path: string,
  opts: Omit<GetTextOptions, "requestOptions">,
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    let received = takeBuffer();
    let size = 0;
    let settled = false;
    const authority = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    const socket = net.connect({
      host,
      port,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Uint8Array) => {
          if (settled) return false;
          if (size + n > opts.maxBytes + MAX_HEAD_BYTES) {
            done(new FetchTextError(`body larger than the ${opts.maxBytes}-byte limit`, "too-large"));
            return false;
          }
          if (size + n > received.length) {
            const grown = Buffer.allocUnsafe(Math.max(received.length * 2, size + n));
            received.copy(grown, 0, 0, size);
            received = grown;
          }
          received.set(buf.subarray(0, n), size);
          size += n;
          return true;
        },
      },
    });
    const done = (err: FetchTextError | null, res?: PlainResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      // No read comes after destroy, and the body (if any) is a string by now.
      giveBack(received);
      if (err) reject(err);
      else resolve(res as PlainResponse);
    };
    const timer = setTimeout(
      () =>
        done(
          new FetchTextError(
            `timed out after ${opts.timeoutMs} ms reading http://${authority}${path}`,
            "timeout",
          ),
        ),
      opts.timeoutMs,
    );
    const onAbort = () => done(new FetchTextError("scrape cancelled", "aborted"));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    socket.setNoDelay(true);
    socket.on("connect", () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${authority}\r\nAccept: text/plain\r\nUser-Agent: nodelocaldns-dashboard\r\nConnection: close\r\n\r\n`,
      );
    });
    socket.on("end", () => {
      if (settled) return;
      try {
        done(null, readResponse(received.subarray(0, size), opts.maxBytes));
      } catch (err) {
        done(err as FetchTextError);
      }
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNREFUSED") done(new FetchTextError(`connection refused by ${host}`, "refused"));
      else done(new FetchTextError(`${err.code ?? "error"}: ${err.message}`, "network"));
    });
  });
}

const TRUNCATED = () => new FetchTextError("connection closed before the body ended (truncated)", "network");

/** A whole HTTP/1.1 response (the server closed after it) → status, content type and body. */
export function readResponse(raw: Buffer, maxBytes: number): PlainResponse {
  const headEnd = raw.indexOf("\r\n\r\n");
  if (headEnd < 0) {
    if (raw.length === 0)
      throw new FetchTextError("connection closed before any response (socket hang up)", "network");
    throw TRUNCATED();
  }
  const lines = raw.toString("latin1", 0, headEnd).split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "")?.[1];
  if (!status)
    throw new FetchTextError(
      `not an HTTP response: ${JSON.stringify((lines[0] ?? "").slice(0, 80))}`,
      "network",
    );
  let contentLength: number | null = null;
  let chunked = false;
  let contentType = "";
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-length") contentLength = Number(value);
    else if (name === "transfer-encoding")
      chunked = value
        .toLowerCase()
        .split(",")
        .some((v) => v.trim() === "chunked");
    else if (name === "content-type") contentType = value;
  }
  const start = headEnd + 4;
  let body: Buffer;
  if (chunked) body = dechunk(raw, start);
  else if (contentLength !== null && Number.isFinite(contentLength)) {
    if (raw.length - start < contentLength) throw TRUNCATED();
    body = raw.subarray(start, start + contentLength);
  } else body = raw.subarray(start);
  if (body.length > maxBytes)
    throw new FetchTextError(`body larger than the ${maxBytes}-byte limit`, "too-large");
  return { status: Number(status), contentType, body: body.toString("utf8") };
}

/** Decodes a chunked body; throws truncated when its last (zero-size) chunk never came. */
function dechunk(raw: Buffer, from: number): Buffer {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const lineEnd = raw.indexOf("\r\n", at);
    if (lineEnd < 0) throw TRUNCATED();
    const sizeText = raw.toString("latin1", at, lineEnd).split(";")[0]?.trim() ?? "";
    if (!/^[0-9a-fA-F]+$/.test(sizeText))
      throw new FetchTextError(`bad chunk size ${JSON.stringify(sizeText.slice(0, 20))}`, "network");
    const n = parseInt(sizeText, 16);
    if (n === 0) return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    const dataStart = lineEnd + 2;
    if (raw.length < dataStart + n + 2) throw TRUNCATED();
    parts.push(raw.subarray(dataStart, dataStart + n));
    at = dataStart + n + 2;
  }
}
