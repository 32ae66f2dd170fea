/**
 * Who is asking: bearer-token authentication (header, or the WebSocket subprotocol browsers use),
 * anonymous access to the public health/version endpoints, and `Impersonate-User`/`Impersonate-Group`
 * (kubectl --as/--as-group), each checked with RBAC's `impersonate` verb as a real API server does.
 */
import type { IncomingMessage } from "node:http";
import { badRequest } from "./errors";
import type { ObjectStore } from "./store";
import { authorize, withImplicitGroups, type UserInfo } from "./rbac";
import { forbidden, unauthorized } from "./status";

/** Paths a real server serves to anonymous callers (system:public-info-viewer). */
const PUBLIC_PATHS = /^\/(healthz|livez|readyz|version)(\/.*)?$/;

export const ANONYMOUS: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };

function bearerToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, "").trim();
  // Browsers' WebSockets cannot set headers; client-go accepts the token as a subprotocol.
  const protocols = String(req.headers["sec-websocket-protocol"] ?? "")
    .split(",")
    .map((s) => s.trim());
  const prefix = "base64url.bearer.authorization.k8s.io.";
  const p = protocols.find((s) => s.startsWith(prefix));
  return p ? Buffer.from(p.slice(prefix.length), "base64url").toString("utf8") : undefined;
}

/**
 * The caller: a known token's user; no token only for the public paths (else 401, as with anonymous
 * auth off); an unknown token is always 401.
 */
export function authenticate(
  req: IncomingMessage,
  path: string,
  tokens: Record<string, { name: string; groups: string[] }>,
): UserInfo {
  const token = bearerToken(req);
  if (token === undefined) {
    if (PUBLIC_PATHS.test(path)) return ANONYMOUS;
    throw unauthorized();
  }
  const entry = tokens[token];
  if (!entry) throw unauthorized();
  return withImplicitGroups(entry);
}

function headerValues(req: IncomingMessage, name: string): string[] {
  const v = req.headers[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Applies impersonation headers after checking the real user may impersonate each of them. */
export function impersonate(store: ObjectStore, req: IncomingMessage, user: UserInfo): UserInfo {
  const [asUser] = headerValues(req, "impersonate-user");
  const asGroups = headerValues(req, "impersonate-group");
  if (asUser === undefined) {
    if (asGroups.length)
      throw badRequest(
        `requested [${asGroups.map((g) => `{Group  ${g}  }`).join(" ")}] without impersonating a user`,
      );
    return user;
  }
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(asUser);
  const checks = [
    sa
      ? { resource: "serviceaccounts", namespace: sa[1], name: sa[2] ?? "" }
      : { resource: "users", namespace: undefined, name: asUser },
    ...asGroups.map((g) => ({ resource: "groups", namespace: undefined, name: g })),
  ];
  for (const c of checks) {
    const attrs = { kind: "resource" as const, user, verb: "impersonate", group: "", ...c };
    if (!authorize(store, attrs).allowed) {
      throw forbidden({
        user: user.name,
        verb: "impersonate",
        group: "",
        resource: c.resource,
        name: c.name,
        namespace: c.namespace,
      });
    }
  }
  return withImplicitGroups({ name: asUser, groups: asGroups });
}
