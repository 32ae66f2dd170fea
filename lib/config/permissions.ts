import "server-only";
import type { AuthorizationV1Api } from "@kubernetes/client-node";
import { kubeRequestError } from "@/lib/k8s/kube-request";

/** One permission the editor needs, and whether the caller has it. */
export interface EditPermission {
  verb: string;
  resource: string;
  group: string;
  name: string;
  allowed: boolean;
  /** The authorizer's reason, when it gave one. */
  reason: string | null;
}

/** Whether the caller may change the Corefile and restart node-local-dns, and what is missing if not. */
export interface EditAccess {
  canEdit: boolean;
  permissions: EditPermission[];
  /** 'missing "update" on configmaps/node-local-dns in kube-system', or null when everything is allowed. */
  missing: string | null;
}

/**
 * Asks the API server (SelfSubjectAccessReview) rather than guessing from roles: the answer covers
 * RBAC, webhooks and any other authorizer the cluster uses.
 */
export async function editAccess(
  authz: AuthorizationV1Api,
  opts: { namespace: string; configMap: string; daemonSet: string },
): Promise<EditAccess> {
  const wanted = [
    { verb: "update", resource: "configmaps", group: "", name: opts.configMap },
    { verb: "patch", resource: "daemonsets", group: "apps", name: opts.daemonSet },
  ];
  const permissions = await Promise.all(
    wanted.map(async (w): Promise<EditPermission> => {
      try {
        const review = await authz.createSelfSubjectAccessReview({
          body: {
            apiVersion: "authorization.k8s.io/v1",
            kind: "SelfSubjectAccessReview",
            spec: { resourceAttributes: { namespace: opts.namespace, ...w } },
          },
        });
        return { ...w, allowed: review.status?.allowed === true, reason: review.status?.reason || null };
      } catch (err) {
        throw kubeRequestError(err, {
          verb: "create",
          resource: "selfsubjectaccessreviews",
          group: "authorization.k8s.io",
          namespace: opts.namespace,
        });
      }
    }),
  );
  const denied = permissions.filter((p) => !p.allowed);
  return {
    canEdit: denied.length === 0,
    permissions,
    missing:
      denied.length === 0
        ? null
        : denied
            .map(
              (p) =>
                `"${p.verb}" on ${p.resource}/${p.name}${p.group ? ` (API group "${p.group}")` : ""} in ${opts.namespace}`,
            )
            .join(" and "),
  };
}
