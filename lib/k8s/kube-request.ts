import "server-only";
import { DashboardError, describeError, kubeErrorInfo } from "@/lib/errors";

/** What the dashboard was doing when a Kubernetes call failed, in RBAC's words. */
export interface KubeAction {
  /** RBAC verb: "get", "update", "patch", "create", "list". */
  verb: string;
  /** RBAC resource, e.g. "configmaps", "daemonsets", "events". */
  resource: string;
  /** API group ("" for core, "apps" for DaemonSets). */
  group: string;
  namespace: string;
  /** Object name, when the call is about one object. */
  name?: string;
}

/**
 * The API server's status codes are not the operator's: a 403 means "change the dashboard's Role",
 * a 404 means "the setting names an object that is not there", a 5xx or network error means "the
 * API server is unreachable". Conflicts (409) are left to the caller, which knows both versions.
 */
export function kubeRequestError(err: unknown, action: KubeAction): DashboardError {
  if (err instanceof DashboardError) return err;
  const what = `${action.resource}${action.name ? `/${action.name}` : ""} in ${action.namespace}`;
  const info = kubeErrorInfo(err);
  if (!info) {
    return new DashboardError(
      502,
      `cannot ${action.verb} ${what}: ${describeError(err)}; check that the API server is reachable`,
    );
  }
  const rule = `"${action.verb}" on "${action.resource}"${action.group ? ` in API group "${action.group}"` : ""}`;
  switch (info.status) {
    case 401:
      return new DashboardError(
        401,
        `the API server does not accept the dashboard's credentials (${info.message}); refresh the kubeconfig`,
      );
    case 403:
      return new DashboardError(
        403,
        `cannot ${action.verb} ${what}: ${info.message}. Add ${rule} to the Role the dashboard's user is bound to`,
      );
    case 404:
      return new DashboardError(
        404,
        `${what} does not exist (${info.message}); check DASHBOARD_NAMESPACE / DASHBOARD_CONFIGMAP / DASHBOARD_DAEMONSET`,
      );
    default:
      return new DashboardError(
        info.status >= 500 ? 502 : info.status,
        `cannot ${action.verb} ${what}: ${info.message}`,
      );
  }
}

/** The HTTP status of a client-node ApiException, or null for anything else. */
export function kubeStatus(err: unknown): number | null {
  return kubeErrorInfo(err)?.status ?? null;
}
