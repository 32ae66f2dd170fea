/**
 * Routing of the pod subresources the cluster runtime serves: pods/log, pods/proxy and the
 * pods/portforward upgrade. The API server checks the pod exists, then hands over to the hooks.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { ApiServerHooks, RequestContext } from "./context";
import { StoreError, badRequest } from "./errors";
import { getObject } from "./handlers-read";
import type { ObjectStore } from "./store";
import { RESOURCES } from "./resources";
import type { KubeObject } from "./types";
import { notFound } from "./errors";
import { isDryRun, parseBody, readBody, sendJson } from "./http";
import { bindPod, bindingTarget } from "./binding";

function unavailable(what: string): StoreError {
  return new StoreError(
    503,
    "ServiceUnavailable",
    `${what} is not available: the simulated cluster has no runtime attached to serve it`,
  );
}

export async function handlePodLog(ctx: RequestContext): Promise<void> {
  if (ctx.info.verb !== "get")
    throw new StoreError(
      405,
      "MethodNotAllowed",
      "the server does not allow this method on the requested resource",
    );
  const pod = getObject(ctx);
  if (!ctx.hooks.podLog) throw unavailable("pods/log");
  await ctx.hooks.podLog({
    namespace: ctx.info.namespace ?? "",
    name: pod.metadata.name,
    pod,
    query: ctx.query,
    req: ctx.req,
    res: ctx.res,
  });
}

export async function handlePodProxy(ctx: RequestContext): Promise<void> {
  const pod = getObject(ctx);
  if (!ctx.hooks.podProxy) throw unavailable("pods/proxy");
  const url = new URL(ctx.req.url ?? "/", "http://x");
  const marker = "/proxy";
  const at = url.pathname.indexOf(marker);
  const rest = at >= 0 ? url.pathname.slice(at + marker.length) : "";
  const path = rest === "" ? "/" : rest;
  await ctx.hooks.podProxy({
    namespace: ctx.info.namespace ?? "",
    name: pod.metadata.name,
    pod,
    port: ctx.info.proxyPort,
    pathAndQuery: `${path}${url.search}`,
    req: ctx.req,
    res: ctx.res,
  });
}

/** `?ports=9253&ports=8080` or `?ports=9253,8080`; each must be 1..65535. */
export function parsePorts(query: URLSearchParams): number[] {
  const out: number[] = [];
  for (const v of query.getAll("ports")) {
    for (const p of v.split(",")) {
      if (p.trim() === "") continue;
      const n = Number(p);
      if (!Number.isInteger(n) || n < 1 || n > 65535)
        throw badRequest(`invalid port "${p}": port must be > 0 and < 65536`);
      out.push(n);
    }
  }
  return out;
}

/** Hands an authorized pods/portforward upgrade to the runtime. */
export async function handlePortForwardUpgrade(
  store: ObjectStore,
  hooks: ApiServerHooks,
  namespace: string,
  name: string,
  query: URLSearchParams,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  const pod: KubeObject | undefined = store.get(RESOURCES.pods, namespace, name);
  if (!pod) throw notFound("", "pods", name);
  if (!hooks.podPortForward) throw unavailable("pods/portforward");
  await hooks.podPortForward({ namespace, name, pod, ports: parsePorts(query), req, socket, head });
}

/** `POST pods/<name>/binding`: what the scheduler sends to put a pod on a node (binding.ts). */
export async function handlePodBinding(ctx: RequestContext): Promise<void> {
  if (ctx.info.verb !== "create")
    throw new StoreError(
      405,
      "MethodNotAllowed",
      "the server does not allow this method on the requested resource",
    );
  const body = parseBody(await readBody(ctx.req), ctx.req.headers["content-type"]);
  const name = ctx.info.name ?? "";
  const { node, preconditions } = bindingTarget(body, name);
  if (isDryRun(ctx.query)) {
    if (!ctx.store.get(RESOURCES.pods, ctx.info.namespace, name)) throw notFound("", "pods", name);
  } else bindPod(ctx.store, ctx.info.namespace ?? "", name, node, preconditions);
  sendJson(ctx.res, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
}
