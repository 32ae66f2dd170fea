import "server-only";
import { DashboardError } from "@/lib/errors";

/**
 * The largest request body any API route reads. The biggest legitimate body is a raw Corefile edit
 * (a ConfigMap holds at most 1 MiB, the API server's etcd limit) wrapped in JSON.
 */
export const MAX_REQUEST_BODY_BYTES = 2 * 1024 * 1024;

/**
 * The request's JSON body, read up to `limit` bytes. Larger bodies are refused with 413 naming the
 * limit, before they are buffered whole (Content-Length is checked first, then the bytes as they
 * arrive, for chunked bodies); a body that is not JSON is the caller's mistake (400), said plainly.
 * An empty body is `{}`.
 */
export async function readJsonBody(request: Request, limit = MAX_REQUEST_BODY_BYTES): Promise<unknown> {
  const tooLarge = () =>
    new DashboardError(
      413,
      `the request body is larger than the ${limit.toLocaleString("en-US")} bytes this API accepts; ` +
        "send only the change (a Corefile fits well within it)",
      { limitBytes: limit },
    );
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DashboardError(
      400,
      "the request body is not JSON: send a JSON object with Content-Type: application/json",
    );
  }
}
