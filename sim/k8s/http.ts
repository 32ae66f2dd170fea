/**
 * HTTP plumbing of the simulated API server: reading bodies, writing JSON with the headers a real
 * server sends, and content negotiation (JSON only, server-side Table when kubectl asks for it).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import YAML from "yaml";
import { StoreError, badRequest } from "./errors";

/** Hard cap on request bodies, as the API server's 3 MiB limit. */
const MAX_BODY = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY)
      throw new StoreError(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON (or YAML) request body; malformed → 400 with the decoder's complaint. */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString("utf8");
  if (text.trim() === "") return undefined;
  const mt = (contentType ?? "application/json").split(";")[0]?.trim().toLowerCase();
  if (mt === "application/yaml") {
    try {
      return YAML.parse(text) as unknown;
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

/** Headers every API response carries. */
export function commonHeaders(): Record<string, string> {
  return { "Audit-Id": randomUUID(), "Cache-Control": "no-cache, private" };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...commonHeaders(),
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    ...commonHeaders(),
    "Content-Type": "text/plain; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Whether the Accept header asks for a meta.k8s.io/v1 Table (kubectl get does). */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(",").some((part) => {
    const params = part.split(";").map((p) => p.trim());
    return (
      params.includes("as=Table") &&
      params.includes("g=meta.k8s.io") &&
      (params.includes("v=v1") || params.includes("v=v1beta1"))
    );
  });
}

/** The Table version asked for first (v1 preferred as the real server does). */
export function tableVersion(accept: string | undefined): "v1" | "v1beta1" {
  const parts = (accept ?? "").split(",");
  const first = parts.find((p) => p.includes("as=Table"));
  return first?.includes("v=v1beta1") ? "v1beta1" : "v1";
}

/** Whether JSON is acceptable at all; a client asking only for protobuf/CBOR gets 406. */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(",").some((part) => {
    const mt = part.split(";")[0]?.trim().toLowerCase() ?? "";
    return mt === "application/json" || mt === "*/*" || mt === "application/*" || mt === "";
  });
}

/** `?dryRun=All` (the only value the API accepts); anything else is 400. */
export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll("dryRun");
  for (const v of values)
    if (v !== "All") throw badRequest(`Invalid dryRun value: "${v}": supported values: "All"`);
  return values.length > 0;
}
