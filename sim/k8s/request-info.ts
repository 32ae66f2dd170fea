/**
 * Turns a request path + method into what the API server's RequestInfoFactory derives: whether it is
 * a resource request, the verb for authorization, group/version/namespace/resource/subresource/name.
 */

/** Parsed request, the input to authentication, authorization and the handlers. */
export type RequestInfo =
  | { isResourceRequest: false; path: string; verb: string }
  | {
      isResourceRequest: true;
      path: string;
      /** get, list, watch, create, update, patch, delete, deletecollection. */
      verb: string;
      group: string;
      version: string;
      namespace?: string;
      resource: string;
      subresource?: string;
      name?: string;
      /** Path segments after the subresource (pods/proxy paths). */
      rest: string[];
      /** `pods/x:9253/proxy` gives name "x" and port "9253" for proxy requests. */
      proxyPort?: string;
    };

function isWatch(query: URLSearchParams): boolean {
  const w = query.get("watch");
  return w === "true" || w === "1";
}

/**
 * Splits `/api/v1/namespaces/kube-system/pods/x/log` or `/apis/apps/v1/daemonsets`; anything else
 * (`/healthz`, `/version`, discovery roots) is a non-resource request with verb = lower-case method.
 */
export function parseRequestInfo(method: string, rawPath: string, query: URLSearchParams): RequestInfo {
  const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, "") : rawPath;
  const segments = path
    .split("/")
    .filter((s) => s !== "")
    .map(decodeURIComponent);
  const nonResource: RequestInfo = { isResourceRequest: false, path: rawPath, verb: method.toLowerCase() };
  let rest: string[];
  let group: string;
  let version: string;
  if (segments[0] === "api" && segments.length >= 3) {
    group = "";
    version = segments[1] ?? "";
    rest = segments.slice(2);
  } else if (segments[0] === "apis" && segments.length >= 4) {
    group = segments[1] ?? "";
    version = segments[2] ?? "";
    rest = segments.slice(3);
  } else {
    return nonResource;
  }
  let namespace: string | undefined;
  // `/namespaces/x` is the namespace object itself; `/namespaces/x/pods` is a namespaced collection.
  if (rest[0] === "namespaces" && rest.length >= 3 && rest[2] !== "status" && rest[2] !== "finalize") {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = "", rawName, subresource, ...tail] = rest;
  let name = rawName;
  let proxyPort: string | undefined;
  if (subresource === "proxy" && name && name.includes(":")) {
    // name[:port] or scheme:name:port, as the proxy subresource accepts.
    const parts = name.split(":");
    if (parts.length === 3) {
      name = parts[1];
      proxyPort = parts[2];
    } else {
      name = parts[0];
      proxyPort = parts[1];
    }
  }
  let verb: string;
  switch (method.toUpperCase()) {
    case "GET":
    case "HEAD":
      verb = name === undefined ? (isWatch(query) ? "watch" : "list") : isWatch(query) ? "watch" : "get";
      break;
    case "POST":
      verb = "create";
      break;
    case "PUT":
      verb = "update";
      break;
    case "PATCH":
      verb = "patch";
      break;
    case "DELETE":
      verb = name === undefined ? "deletecollection" : "delete";
      break;
    default:
      verb = method.toLowerCase();
  }
  if (namespace === undefined && resource === "namespaces" && name !== undefined) {
    // A namespace object is cluster-scoped, but RBAC checks it "in" itself, as the real factory does.
    namespace = name;
  }
  return {
    isResourceRequest: true,
    path: rawPath,
    verb,
    group,
    version,
    namespace,
    resource,
    subresource,
    name,
    rest: tail,
    proxyPort,
  };
}

/**
 * The name RBAC sees for a list or watch: a `metadata.name=x` field selector names one object, so a
 * rule's resourceNames can allow it (the real RequestInfoFactory does the same); otherwise none.
 */
export function listRequestName(verb: string, query: URLSearchParams): string | undefined {
  if (verb !== "list" && verb !== "watch") return undefined;
  for (const term of (query.get("fieldSelector") ?? "").split(",")) {
    const m = /^\s*metadata\.name\s*==?\s*([^=!\s]+)\s*$/.exec(term);
    if (m && m[1] && !/[/%]/.test(m[1]) && m[1] !== "." && m[1] !== "..") return m[1];
  }
  return undefined;
}
