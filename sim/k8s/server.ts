/**
 * The simulated Kubernetes API server: plain HTTP on a loopback address, bearer-token authentication,
 * RBAC authorization, discovery, and the REST verbs over the object store. @kubernetes/client-node and
 * the real kubectl talk to it exactly as to a cluster — through a TLS front (sim/objects/tls-front.ts),
 * since kubectl sends tokens only over https and client-node refuses http without skip-TLS-verify.
 */
import http, { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { ApiServerHooks, RequestContext } from "./context";
import { StoreError } from "./errors";
import {
  handleDelete,
  handleDeleteCollection,
  handleCreate,
  handlePatch,
  handleUpdate,
} from "./handlers-write";
import { handleGet, handleList, handleWatch } from "./handlers-read";
import { handlePodBinding, handlePodLog, handlePodProxy, handlePortForwardUpgrade } from "./handlers-pods";
import { acceptsJson } from "./http";
import { handleNonResource } from "./non-resource";
import { authorize, type RequestAttributes, type UserInfo } from "./rbac";
import { authenticate, impersonate } from "./authn";
import { ensureBootstrapPolicy } from "./rbac-bootstrap";
import { listRequestName, parseRequestInfo } from "./request-info";
import { findResource } from "./resources";
import {
  forbidden,
  methodNotAllowed,
  notAcceptable,
  resourceNotFound,
  statusBody,
  writeStatus,
} from "./status";
import type { ObjectStore } from "./store";
import { ensureSystemObjects } from "./system-objects";

export type { ApiServerHooks } from "./context";

export interface ApiServerOptions {
  store: ObjectStore;
  /** Bearer token → user. `system:authenticated` (and service-account groups) are added automatically. */
  tokens: Record<string, { name: string; groups: string[] }>;
  /** Loopback address to bind, e.g. `apiServerHost(base)`. */
  host: string;
  /** Default 6443; 0 = ephemeral. */
  port?: number;
  hooks?: ApiServerHooks;
  /** How often a watch that asked for bookmarks gets one (a real server: about once a minute). */
  bookmarkIntervalMs?: number;
}

export interface ApiServer {
  /** e.g. http://127.73.0.1:41234 — the kubeconfig's `server`. */
  url: string;
  host: string;
  port: number;
  /** The live hook table: the cluster runtime may fill it after start. */
  hooks: ApiServerHooks;
  close(): Promise<void>;
}

/** Authorizes; for the portforward upgrade either `get` or `create` on pods/portforward suffices. */
function check(store: ObjectStore, attrs: RequestAttributes): void {
  if (authorize(store, attrs).allowed) return;
  if (
    attrs.kind === "resource" &&
    attrs.subresource === "portforward" &&
    authorize(store, { ...attrs, verb: attrs.verb === "get" ? "create" : "get" }).allowed
  )
    return;
  if (attrs.kind === "nonResource")
    throw forbidden({ user: attrs.user.name, verb: attrs.verb, group: "", resource: "", path: attrs.path });
  throw forbidden({
    user: attrs.user.name,
    verb: attrs.verb,
    group: attrs.group,
    resource: attrs.resource,
    subresource: attrs.subresource,
    name: attrs.name,
    namespace: attrs.namespace,
  });
}

export async function createApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const { store } = opts;
  const hooks: ApiServerHooks = opts.hooks ?? {};
  ensureBootstrapPolicy(store);
  ensureSystemObjects(store);
  const watchClosers = new Set<() => void>();
  let url = "";

  const who = (req: IncomingMessage, path: string): UserInfo =>
    impersonate(store, req, authenticate(req, path, opts.tokens));

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://apiserver");
    const query = u.searchParams;
    const method = (req.method ?? "GET").toUpperCase();
    const user = who(req, u.pathname);
    const info = parseRequestInfo(method, u.pathname, query);
    if (!info.isResourceRequest) {
      check(store, { kind: "nonResource", user, verb: info.verb, path: u.pathname });
      handleNonResource(u.pathname, method, req, res, url);
      return;
    }
    const rt = findResource(info.group, info.version, info.resource);
    const urlHasNamespace = u.pathname.includes("/namespaces/") && info.resource !== "namespaces";
    if (!rt || (urlHasNamespace && !rt.namespaced)) throw resourceNotFound();
    if (rt.namespaced && info.name !== undefined && !info.namespace) throw resourceNotFound();
    const sub = info.subresource;
    // pods/log answers text and pods/proxy passes the client's Accept through to the pod: a real API
    // server negotiates content types only for its own objects.
    if (sub !== "log" && sub !== "proxy" && !acceptsJson(req.headers.accept)) throw notAcceptable();
    if (sub && !rt.subresources?.[sub]) throw resourceNotFound();
    const ns = rt.namespaced || info.resource === "namespaces" ? info.namespace : undefined;
    check(store, {
      kind: "resource",
      user,
      verb: info.verb,
      group: rt.group,
      resource: rt.resource,
      subresource: sub,
      namespace: ns,
      name: info.name ?? listRequestName(info.verb, query),
    });
    hooks.onResourceRequest?.(info.verb, rt.resource);
    const ctx: RequestContext = {
      store,
      hooks,
      user,
      info,
      rt,
      query,
      req,
      res,
      bookmarkIntervalMs: opts.bookmarkIntervalMs,
    };
    if (sub === "log") return handlePodLog(ctx);
    if (sub === "proxy" && rt.resource === "pods") return handlePodProxy(ctx);
    if (sub === "portforward") throw new StoreError(400, "BadRequest", "Upgrade request required");
    if (sub === "binding") return handlePodBinding(ctx);
    if (sub && sub !== "status")
      throw new StoreError(
        503,
        "ServiceUnavailable",
        `${rt.resource}/${sub} is not served by the simulated cluster`,
      );
    if (
      !rt.verbs.includes(info.verb) &&
      !(sub === "status" && ["get", "update", "patch"].includes(info.verb))
    )
      throw methodNotAllowed();
    // POST names no object; PUT/PATCH/DELETE of one object must.
    if (
      (info.verb === "create" && info.name !== undefined) ||
      (["update", "patch"].includes(info.verb) && info.name === undefined)
    )
      throw methodNotAllowed();
    switch (info.verb) {
      case "get":
        return handleGet(ctx);
      case "list":
        return handleList(ctx);
      case "watch":
        return handleWatch(ctx, (finish) => {
          watchClosers.add(finish);
          return () => watchClosers.delete(finish);
        });
      case "create":
        return handleCreate(ctx);
      case "update":
        return handleUpdate(ctx);
      case "patch":
        return handlePatch(ctx);
      case "delete":
        return handleDelete(ctx);
      case "deletecollection":
        return handleDeleteCollection(ctx);
      default:
        throw methodNotAllowed();
    }
  }

  function fail(res: ServerResponse, err: unknown): void {
    if (err instanceof StoreError) {
      writeStatus(res, err);
      return;
    }
    console.error("sim/k8s api server: internal error:", err);
    writeStatus(
      res,
      new StoreError(
        500,
        "InternalError",
        `Internal error occurred: ${(err as Error)?.message ?? String(err)}`,
      ),
    );
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const u = new URL(req.url ?? "/", "http://apiserver");
    const method = (req.method ?? "GET").toUpperCase();
    const user = who(req, u.pathname);
    const info = parseRequestInfo(method, u.pathname, u.searchParams);
    if (
      !info.isResourceRequest ||
      info.resource !== "pods" ||
      info.subresource !== "portforward" ||
      !info.namespace ||
      !info.name
    ) {
      throw new StoreError(
        400,
        "BadRequest",
        `upgrade is not supported for ${u.pathname} by the simulated cluster`,
      );
    }
    check(store, {
      kind: "resource",
      user,
      verb: info.verb,
      group: "",
      resource: "pods",
      subresource: "portforward",
      namespace: info.namespace,
      name: info.name,
    });
    await handlePortForwardUpgrade(
      store,
      hooks,
      info.namespace,
      info.name,
      u.searchParams,
      req,
      socket,
      head,
    );
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((err: unknown) => fail(res, err));
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrade(req, socket, head).catch((err: unknown) => {
      const e =
        err instanceof StoreError
          ? err
          : new StoreError(500, "InternalError", `Internal error occurred: ${String(err)}`);
      const body = JSON.stringify(statusBody(e));
      if (!socket.writable) return;
      socket.end(
        `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? ""}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
  };
  const listener = http.createServer(onRequest);
  listener.on("upgrade", onUpgrade);
  // Upgraded sockets (port-forwards) are no longer tracked by the HTTP server; close them ourselves.
  const upgraded = new Set<Duplex>();
  listener.on("upgrade", (_req: IncomingMessage, socket: Duplex) => {
    upgraded.add(socket);
    socket.on("close", () => upgraded.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(opts.port ?? 6443, opts.host, () => {
      listener.off("error", reject);
      resolve();
    });
  });
  const port = (listener.address() as AddressInfo).port;
  url = `http://${opts.host}:${port}`;
  return {
    url,
    host: opts.host,
    port,
    hooks,
    close: () =>
      new Promise<void>((resolve) => {
        for (const finish of [...watchClosers]) finish();
        listener.close(() => resolve());
        listener.closeAllConnections();
        for (const s of upgraded) s.destroy();
      }),
  };
}
