/**
 * Non-resource endpoints: health checks, /version and the discovery documents.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  AGGREGATED_DISCOVERY_TYPE,
  acceptsAggregated,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  servedGroups,
  SERVER_VERSION,
} from "./discovery";
import { commonHeaders, sendJson, sendText } from "./http";
import { openApiDocument, openApiIndex } from "./openapi";
import { methodNotAllowed } from "./status";

const HEALTH = /^\/(healthz|livez|readyz)(\/.*)?$/;

export function handleNonResource(
  path: string,
  method: string,
  req: IncomingMessage,
  res: ServerResponse,
  serverUrl: string,
): void {
  if (method !== "GET" && method !== "HEAD") throw methodNotAllowed();
  const p = path.length > 1 ? path.replace(/\/+$/, "") : path;
  if (HEALTH.test(p)) return sendText(res, 200, "ok");
  if (p === "/version") return sendJson(res, 200, SERVER_VERSION);
  if ((p === "/api" || p === "/apis") && acceptsAggregated(req.headers.accept)) {
    return sendTyped(res, AGGREGATED_DISCOVERY_TYPE, aggregatedDiscovery(p === "/api"));
  }
  if (p === "/api") return sendJson(res, 200, apiVersions(new URL(serverUrl).host));
  if (p === "/apis") return sendJson(res, 200, apiGroupList());
  if (p === "/openapi/v3") return sendJson(res, 200, openApiIndex());
  if (p.startsWith("/openapi/v3/")) {
    const doc = openApiDocument(p);
    return doc ? sendJson(res, 200, doc) : notFoundPage(res);
  }
  const core = /^\/api\/([^/]+)$/.exec(p);
  if (core) {
    const list = apiResourceList("", core[1] ?? "");
    return list ? sendJson(res, 200, list) : notFoundPage(res);
  }
  const group = /^\/apis\/([^/]+)$/.exec(p);
  if (group) {
    const g = servedGroups().find((x) => x.name === group[1]);
    return g
      ? sendJson(res, 200, { kind: "APIGroup", apiVersion: "v1", ...apiGroup(g.name, g.version) })
      : notFoundPage(res);
  }
  const gv = /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
  if (gv) {
    const list = apiResourceList(gv[1] ?? "", gv[2] ?? "");
    return list ? sendJson(res, 200, list) : notFoundPage(res);
  }
  return notFoundPage(res);
}

/** What Go's mux answers for an unknown path. */
function notFoundPage(res: ServerResponse): void {
  sendText(res, 404, "404 page not found\n");
}

function sendTyped(res: ServerResponse, contentType: string, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    ...commonHeaders(),
    "Content-Type": contentType,
    Vary: "Accept",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}
