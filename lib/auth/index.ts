import "server-only";
/**
 * Who is asking, and a KubeConfig that acts as them. Route handlers call `requestIdentity` for reads
 * made as the person and `requireWriter` before any change; every Kubernetes call for a person goes
 * through `kubeConfigFor(identity)` so the API server's RBAC decides.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { DashboardError } from "@/lib/errors";
import { processKubeConfig } from "@/lib/k8s/kubeconfig";
import { settings } from "@/lib/settings";
import { bearerTokenOf, resolveIdentity, type AuthConfig, type Identity } from "./identity";
import { ImpersonatingKubeConfig } from "./impersonation";
import { kubeConfigWithToken } from "./login";
import { SessionStore } from "./session";

export type { AuthMode, Identity, AuthConfig } from "./identity";
export { SESSION_COOKIE } from "./identity";

/**
 * The dashboard's own KubeConfig (its ServiceAccount, or the local kubeconfig's user): the same
 * object lib/dashboard.ts reads the cluster with, so a person's writes go to the cluster shown.
 */
export function baseKubeConfig(): KubeConfig {
  return processKubeConfig(settings().DASHBOARD_CONTEXT);
}

// One session store per process, on globalThis so every route bundle and dev reload shares it.
const sessionHolder = ((
  globalThis as { __nodelocalDnsSessions?: { store?: SessionStore } }
).__nodelocalDnsSessions ??= {});

/** Token-mode sessions (POST/DELETE /api/session). */
export function sessionStore(): SessionStore {
  sessionHolder.store ??= new SessionStore(undefined, undefined, settings().DASHBOARD_SESSIONS_PER_USER);
  return sessionHolder.store;
}

/** The auth settings, checked: proxy mode without a secret would trust anyone who sets a header. */
export function authConfig(): AuthConfig {
  const s = settings();
  if (s.DASHBOARD_AUTH === "proxy" && !s.DASHBOARD_PROXY_SECRET) {
    throw new DashboardError(
      500,
      "DASHBOARD_AUTH=proxy needs DASHBOARD_PROXY_SECRET: set it to a random value and make the ingress send it in X-Dashboard-Proxy-Secret",
    );
  }
  return { mode: s.DASHBOARD_AUTH, readOnly: s.DASHBOARD_READ_ONLY, proxySecret: s.DASHBOARD_PROXY_SECRET };
}

/** The person making this request, or null when they are not logged in. */
export function requestIdentity(request: Request): Identity | null {
  const config = authConfig();
  const localUser =
    config.mode === "local" ? (baseKubeConfig().getCurrentUser()?.name ?? "kubeconfig user") : "";
  const session = config.mode === "token" ? (id: string) => sessionStore().get(id) : undefined;
  return resolveIdentity({ headers: request.headers, localUser, session }, config);
}

/** A KubeConfig for `base` acting as `identity`; pure over its inputs (see kubeConfigFor). */
export function kubeConfigActingAs(baseKc: KubeConfig, identity: Identity): KubeConfig {
  switch (identity.mode) {
    case "local":
      return baseKc;
    case "proxy":
      return new ImpersonatingKubeConfig(baseKc, { user: identity.user, groups: identity.groups });
    case "token": {
      const token = bearerTokenOf(identity);
      if (!token) throw new DashboardError(401, "your session has no token: log in again at /login");
      // Only the cluster (server, CA) is kept from the dashboard's own config: the person's token alone authenticates.
      return kubeConfigWithToken(baseKc, token);
    }
  }
}

/**
 * A KubeConfig that acts as this person: local = the kubeconfig as is; proxy = the dashboard's
 * credentials with Impersonate-User/-Group; token = their own bearer token. Use it as any KubeConfig:
 * `kubeConfigFor(id).makeApiClient(CoreV1Api)`, `new Watch(kc)`, `new Log(kc)`.
 */
export function kubeConfigFor(identity: Identity): KubeConfig {
  return kubeConfigActingAs(baseKubeConfig(), identity);
}

/** The pure core of requireWriter. */
export function writerOrThrow(identity: Identity | null, config: AuthConfig): Identity {
  if (!identity) {
    const how =
      config.mode === "token"
        ? "log in at /login with your Kubernetes token"
        : "sign in through the dashboard's authenticating proxy (the request had no trusted X-Forwarded-User)";
    throw new DashboardError(401, `not logged in: ${how}`);
  }
  if (config.readOnly) {
    throw new DashboardError(
      403,
      "the dashboard is read-only (DASHBOARD_READ_ONLY is set): unset it to allow changes",
    );
  }
  return identity;
}

/** The person allowed to make a change now; throws DashboardError 401 (not logged in) or 403 (read-only). */
export function requireWriter(request: Request): Identity {
  const config = authConfig();
  return writerOrThrow(requestIdentity(request), config);
}
