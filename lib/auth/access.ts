import "server-only";
import { AuthorizationV1Api } from "@kubernetes/client-node";
import { DashboardError } from "@/lib/errors";
import { kubeRequestError } from "@/lib/k8s/kube-request";
import { settings } from "@/lib/settings";
import type { Identity } from "./identity";
import { authConfig, kubeConfigFor, requestIdentity } from "./index";

/** One thing a person must be allowed to do to see a page's data, as Kubernetes RBAC names it. */
export interface ReadNeed {
  verb: string;
  resource: string;
  subresource?: string;
  /** Omitted for cluster-scoped resources (nodes). */
  namespace?: string;
}

/** What a page's data needs: the cache pods' numbers, the node list, the query logs. */
export const READS = {
  cachePods: (): ReadNeed => ({ verb: "list", resource: "pods", namespace: settings().DASHBOARD_NAMESPACE }),
  nodes: (): ReadNeed => ({ verb: "list", resource: "nodes" }),
  queryLogs: (): ReadNeed => ({
    verb: "get",
    resource: "pods",
    subresource: "log",
    namespace: settings().DASHBOARD_NAMESPACE,
  }),
  /** The cache pods' Events on a node's page (a list with an involvedObject field selector). */
  podEvents: (): ReadNeed => ({
    verb: "list",
    resource: "events",
    namespace: settings().DASHBOARD_NAMESPACE,
  }),
};

/** How long an answer of the API server's authorizer is reused for the same person. */
const DECISION_TTL_MS = 30_000;
const MAX_CACHED = 10_000;
type Decision = { allowed: boolean; reason: string; at: number };
const cache = ((globalThis as { __nodelocalDnsAccess?: Map<string, Decision> }).__nodelocalDnsAccess ??=
  new Map());

function describeNeed(n: ReadNeed): string {
  const res = n.subresource ? `${n.resource}/${n.subresource}` : n.resource;
  return `"${n.verb}" on ${res}${n.namespace ? ` in ${n.namespace}` : " (cluster-wide)"}`;
}

/** Whether the person may do `need`, asked of the API server as them (SelfSubjectAccessReview). */
async function decide(identity: Identity, need: ReadNeed, sessionKey: string): Promise<Decision> {
  const key = JSON.stringify([identity.mode, identity.user, identity.groups, sessionKey, need]);
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < DECISION_TTL_MS) return hit;
  let review;
  try {
    review = await kubeConfigFor(identity)
      .makeApiClient(AuthorizationV1Api)
      .createSelfSubjectAccessReview({
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: {
            resourceAttributes: {
              verb: need.verb,
              resource: need.resource,
              ...(need.subresource ? { subresource: need.subresource } : {}),
              ...(need.namespace ? { namespace: need.namespace } : {}),
            },
          },
        },
      });
  } catch (err) {
    throw kubeRequestError(err, {
      verb: "create",
      resource: "selfsubjectaccessreviews",
      group: "authorization.k8s.io",
      namespace: need.namespace ?? "(cluster)",
    });
  }
  const d: Decision = {
    allowed: review.status?.allowed === true,
    reason: review.status?.reason ?? "",
    at: Date.now(),
  };
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, d);
  return d;
}

/**
 * The person behind a read, allowed by Kubernetes RBAC to see it. In token and proxy mode an
 * anonymous request is 401 (health, readiness and /metrics do not come here), and each `need` is
 * asked of the API server as the person (cached 30 s) — 403 naming what is missing. In local mode
 * the person is the kubeconfig's user, whose own permissions every read already uses.
 */
export async function requireReader(request: Request, needs: ReadNeed[] = []): Promise<Identity> {
  const config = authConfig();
  const identity = requestIdentity(request);
  if (!identity) {
    const how =
      config.mode === "token"
        ? "log in at /login with your Kubernetes token"
        : "sign in through the dashboard's authenticating proxy (the request had no trusted X-Forwarded-User)";
    throw new DashboardError(
      401,
      `not logged in: ${how}; cluster data is shown only to people the cluster knows`,
    );
  }
  if (identity.mode === "local") return identity;
  for (const need of needs) {
    const refused = await refusalFor(request, identity, need);
    if (refused) throw new DashboardError(403, `${identity.user} may not see this: ${refused}`);
  }
  return identity;
}

async function refusalFor(request: Request, identity: Identity, need: ReadNeed): Promise<string | null> {
  if (identity.mode === "local") return null;
  const sessionKey = identity.mode === "token" ? (request.headers.get("cookie") ?? "") : "";
  const d = await decide(identity, need, sessionKey);
  if (d.allowed) return null;
  return `Kubernetes RBAC does not allow ${describeNeed(need)}${d.reason ? ` (${d.reason})` : ""}; ask a cluster admin for it`;
}

/**
 * For a part of a page the person may lack (a node's Events) rather than the whole page: null when
 * `need` is allowed, else why not, in RBAC's words. Call after requireReader (it does not check login).
 */
export async function readRefusal(request: Request, need: ReadNeed): Promise<string | null> {
  const identity = requestIdentity(request);
  return identity ? refusalFor(request, identity, need) : "not logged in";
}
