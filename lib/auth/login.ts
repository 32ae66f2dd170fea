import "server-only";
/**
 * Token-mode login: ask the API server who a pasted token belongs to before a session is made for it.
 * A SelfSubjectReview (authentication.k8s.io/v1, Kubernetes 1.28+) names the user and groups; where
 * the API server does not serve it (older clusters, and our simulated API server), a
 * SelfSubjectAccessReview is the probe: any authenticated token may create one, an unknown token gets
 * 401, and the person is named by a fingerprint of the token.
 */
import { AuthenticationV1Api, AuthorizationV1Api, KubeConfig } from "@kubernetes/client-node";
import { DashboardError, kubeErrorInfo } from "@/lib/errors";
import { tokenFingerprint } from "./identity";

/** Who a token belongs to, as the API server said. */
export interface TokenOwner {
  user: string;
  groups: string[];
  /** Which review answered. */
  via: "SelfSubjectReview" | "SelfSubjectAccessReview";
}

/** `base`'s cluster (server, CA) with `token` as the only credential. */
export function kubeConfigWithToken(base: KubeConfig, token: string): KubeConfig {
  const cluster = base.getCurrentCluster();
  if (!cluster) throw new DashboardError(500, "the dashboard's kubeconfig has no current cluster");
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: "person", token }],
    contexts: [{ name: "person", cluster: cluster.name, user: "person" }],
    currentContext: "person",
  });
  return kc;
}

/** Validates `token` against the API server; throws DashboardError 401 when it is not accepted. */
export async function tokenOwner(base: KubeConfig, token: string, namespace: string): Promise<TokenOwner> {
  const kc = kubeConfigWithToken(base, token);
  try {
    const review = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    const info = review.status?.userInfo;
    if (info?.username) return { user: info.username, groups: info.groups ?? [], via: "SelfSubjectReview" };
  } catch (err) {
    const status = kubeErrorInfo(err)?.status;
    if (status === 401) throw refused();
    // 404: not served here; 403: an RBAC setup that removed it. Either way, try the older probe.
    if (status !== 404 && status !== 403) throw unreachable(err);
  }
  try {
    await kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: { namespace, verb: "list", resource: "pods" } },
      },
    });
  } catch (err) {
    if (kubeErrorInfo(err)?.status === 401) throw refused();
    throw unreachable(err);
  }
  return { user: `token:${tokenFingerprint(token)}`, groups: [], via: "SelfSubjectAccessReview" };
}

function refused(): DashboardError {
  return new DashboardError(
    401,
    "the Kubernetes API server did not accept this token (401): paste a current token for this cluster, e.g. from `kubectl create token <serviceaccount> -n <namespace>` or your kubeconfig's user",
  );
}

function unreachable(err: unknown): DashboardError {
  const kube = kubeErrorInfo(err);
  return new DashboardError(
    502,
    `cannot check the token with the Kubernetes API server: ${kube?.message ?? (err instanceof Error ? err.message : String(err))}; try again, or check that the dashboard reaches the API server`,
  );
}
