/**
 * get, list (with limit/continue) and watch (chunked JSON lines, bookmarks, timeoutSeconds, 410 as an
 * ERROR event) for every served resource, in JSON or as a server-side Table.
 */
import type { RequestContext } from "./context";
import { StoreError, badRequest, notFound } from "./errors";
import { commonHeaders, sendJson, tableVersion, wantsTable } from "./http";
import { statusBody } from "./status";
import { includeObjectOf, toTable } from "./tables";
import { apiVersionOf, type KubeObject, type WatchEvent } from "./types";

/** The object a named request addresses, or 404. */
export function getObject(ctx: RequestContext): KubeObject {
  const { info, rt, store } = ctx;
  const name = info.name ?? "";
  const o = store.get(rt, rt.namespaced ? info.namespace : undefined, name);
  if (!o) throw notFound(rt.group, rt.resource, name);
  return o;
}

export function handleGet(ctx: RequestContext): void {
  const o = getObject(ctx);
  const accept = ctx.req.headers.accept;
  if (wantsTable(accept)) {
    sendJson(
      ctx.res,
      200,
      toTable(ctx.rt, [o], {
        include: includeObjectOf(ctx.query),
        apiVersion: tableVersion(accept),
        resourceVersion: undefined,
      }),
    );
    return;
  }
  sendJson(ctx.res, 200, o);
}

interface ContinueToken {
  rv: string;
  start: string;
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as ContinueToken;
    if (typeof parsed.start === "string" && typeof parsed.rv === "string") return parsed;
  } catch {
    // fall through to the API server's message
  }
  throw badRequest(
    "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
  );
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;

export function handleList(ctx: RequestContext): void {
  const { rt, store, query, info } = ctx;
  const { items, resourceVersion } = store.list(rt, rt.namespaced ? info.namespace : undefined, {
    labelSelector: query.get("labelSelector") ?? undefined,
    fieldSelector: query.get("fieldSelector") ?? undefined,
  });
  let page = items;
  let continueToken: string | undefined;
  let remaining: number | undefined;
  const cont = query.get("continue");
  if (cont) {
    const { start } = decodeContinue(cont);
    page = page.filter((o) => keyOf(o) > start);
  }
  const limit = Number(query.get("limit") ?? "0");
  if (Number.isInteger(limit) && limit > 0 && page.length > limit) {
    remaining = page.length - limit;
    page = page.slice(0, limit);
    const last = page[page.length - 1];
    if (last)
      continueToken = Buffer.from(JSON.stringify({ rv: resourceVersion, start: keyOf(last) })).toString(
        "base64url",
      );
  }
  const accept = ctx.req.headers.accept;
  if (wantsTable(accept)) {
    sendJson(
      ctx.res,
      200,
      toTable(rt, page, {
        include: includeObjectOf(query),
        apiVersion: tableVersion(accept),
        resourceVersion,
        continueToken,
      }),
    );
    return;
  }
  const metadata: Record<string, unknown> = { resourceVersion };
  if (continueToken) {
    metadata.continue = continueToken;
    metadata.remainingItemCount = remaining;
  }
  // Items of a typed list carry no apiVersion/kind on the wire, as from a real server.
  const stripped = page.map(({ apiVersion: _a, kind: _k, ...rest }) => {
    void _a;
    void _k;
    return rest;
  });
  sendJson(ctx.res, 200, { kind: `${rt.kind}List`, apiVersion: apiVersionOf(rt), metadata, items: stripped });
}

/** A watch on one named object (`.../pods/x?watch=true`) is a watch with `metadata.name=x`. */
function watchFieldSelector(selector: string | undefined, name: string | undefined): string | undefined {
  if (name === undefined) return selector;
  const byName = `metadata.name=${name}`;
  return selector ? `${selector},${byName}` : byName;
}

/** Watches run until the client goes, `timeoutSeconds` passes, or the server closes. */
export function handleWatch(ctx: RequestContext, onClose: (stop: () => void) => () => void): void {
  const { rt, store, query, info, req, res } = ctx;
  const timeoutSeconds = Number(query.get("timeoutSeconds") ?? "1800");
  const bookmarks = query.get("allowWatchBookmarks") === "true";
  const sendInitial = query.get("sendInitialEvents") === "true";
  const accept = req.headers.accept;
  const asTable = wantsTable(accept);
  let rv = query.get("resourceVersion") ?? undefined;
  if (sendInitial) rv = undefined;
  else if (query.get("sendInitialEvents") === "false" && (rv === undefined || rv === "" || rv === "0"))
    rv = store.resourceVersion();

  res.writeHead(200, {
    ...commonHeaders(),
    "Content-Type": "application/json",
    "Transfer-Encoding": "chunked",
  });
  res.flushHeaders();
  let first = true;
  const write = (e: WatchEvent | { type: "ERROR"; object: unknown }) => {
    if (res.writableEnded) return;
    let object: unknown = e.object;
    if (asTable && e.type !== "ERROR" && e.type !== "BOOKMARK") {
      object = toTable(rt, [e.object as KubeObject], {
        include: includeObjectOf(query),
        apiVersion: tableVersion(accept),
        withColumns: first,
      });
      first = false;
    }
    res.write(`${JSON.stringify({ type: e.type, object })}\n`);
  };
  const bookmark = (annotations?: Record<string, string>) => {
    const metadata: Record<string, unknown> = {
      resourceVersion: store.resourceVersion(),
      creationTimestamp: null,
    };
    if (annotations) metadata.annotations = annotations;
    write({
      type: "BOOKMARK",
      object: { kind: rt.kind, apiVersion: apiVersionOf(rt), metadata } as unknown as KubeObject,
    });
  };

  let stop: () => void = () => undefined;
  try {
    stop = store.watch(
      rt,
      rt.namespaced ? info.namespace : undefined,
      rv,
      {
        labelSelector: query.get("labelSelector") ?? undefined,
        fieldSelector: watchFieldSelector(query.get("fieldSelector") ?? undefined, info.name),
      },
      write,
    );
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    // The real server answers 200 and reports an expired resourceVersion as an ERROR event.
    write({ type: "ERROR", object: statusBody(err) });
    res.end();
    return;
  }
  if (sendInitial && bookmarks) bookmark({ "k8s.io/initial-events-end": "true" });
  const timers: NodeJS.Timeout[] = [];
  const finish = () => {
    stop();
    for (const t of timers) clearTimeout(t);
    unregister();
    if (!res.writableEnded) res.end();
  };
  if (bookmarks) {
    const t = setInterval(() => bookmark(), ctx.bookmarkIntervalMs ?? 60_000);
    t.unref();
    timers.push(t);
  }
  if (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0) {
    const t = setTimeout(finish, timeoutSeconds * 1000);
    t.unref();
    timers.push(t);
  }
  const unregister = onClose(finish);
  req.on("close", finish);
  res.on("close", finish);
}
