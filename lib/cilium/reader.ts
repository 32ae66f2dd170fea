import "server-only";
import { CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import { describeError, kubeErrorInfo } from "@/lib/errors";
import { policiesAtRisk, type PolicyAtRisk } from "./network-policy";
import { reshapeLocalRedirectPolicy, type LocalRedirectPolicy } from "./redirect-policy";

const GROUP = "cilium.io";
const VERSION = "v2";

/** What the dashboard knows of the CiliumLocalRedirectPolicies in node-local-dns's namespace. */
export type RedirectPolicyState =
  | { kind: "pending" }
  | { kind: "read"; policies: LocalRedirectPolicy[]; at: string }
  /** 403 or any failure: said on the page, never a failed request. */
  | { kind: "unreadable"; message: string };

/** The Config page's list of CiliumNetworkPolicies whose DNS egress the redirect breaks. */
export type NetworkPolicyReport =
  { kind: "listed"; atRisk: PolicyAtRisk[]; listed: number } | { kind: "unreadable"; message: string };

/** The optional deploy/cilium RBAC rule that lets the dashboard read `resource`. */
function ruleHint(verb: string, resource: string): string {
  return `add "${verb}" on "${resource}" in API group "${GROUP}" to the dashboard's role (the optional rule in deploy/cilium/)`;
}

/**
 * Reads Cilium's policies with the dashboard's own identity (the node list is the same for every
 * viewer). The redirect policies are read at most once per `maxAgeMs`, when a page asks (so a cluster
 * that never shows the LRP layout never lists them); a 403, or a CRD the API server does not serve,
 * is an answer to show, not an error.
 */
export class CiliumPolicies {
  private readonly api: CustomObjectsApi;
  private lrp: RedirectPolicyState = { kind: "pending" };
  private readAt = 0;
  private inFlight: Promise<RedirectPolicyState> | null = null;

  constructor(
    kc: KubeConfig,
    private readonly namespace: string,
    private readonly maxAgeMs: number,
  ) {
    this.api = kc.makeApiClient(CustomObjectsApi);
  }

  /** The last answer at once; a read starts in the background when it is older than maxAgeMs. */
  redirectPolicies(now = Date.now()): RedirectPolicyState {
    if (!this.inFlight && now - this.readAt >= this.maxAgeMs) void this.refreshRedirectPolicies();
    return this.lrp;
  }

  /** Lists the namespace's CiliumLocalRedirectPolicies now (one read at a time). */
  refreshRedirectPolicies(): Promise<RedirectPolicyState> {
    this.inFlight ??= this.readRedirectPolicies().then((state) => {
      this.lrp = state;
      this.readAt = Date.now();
      this.inFlight = null;
      return state;
    });
    return this.inFlight;
  }

  private async readRedirectPolicies(): Promise<RedirectPolicyState> {
    const resource = "ciliumlocalredirectpolicies";
    try {
      const list = (await this.api.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: this.namespace,
        plural: resource,
      })) as { items?: unknown[] };
      const policies = (list.items ?? [])
        .map(reshapeLocalRedirectPolicy)
        .filter((p): p is LocalRedirectPolicy => p !== null);
      return { kind: "read", policies, at: new Date().toISOString() };
    } catch (err) {
      const info = kubeErrorInfo(err);
      // No CRD: Cilium's LRP support is not installed, so no policy redirects anything.
      if (info?.status === 404) return { kind: "read", policies: [], at: new Date().toISOString() };
      if (info?.status === 403) {
        return {
          kind: "unreadable",
          message: `The dashboard may not read CiliumLocalRedirectPolicies in ${this.namespace} (${info.message}), so it cannot tell whether one redirects pods' kube-dns queries here: ${ruleHint("list", resource)}.`,
        };
      }
      return {
        kind: "unreadable",
        message: `Cannot read CiliumLocalRedirectPolicies in ${this.namespace}: ${describeError(err)}.`,
      };
    }
  }

  /**
   * Every namespace's CiliumNetworkPolicies, and those whose DNS egress allows kube-dns but not the
   * node-local-dns pods (identity labels `cacheLabels`).
   */
  async networkPoliciesAtRisk(cacheLabels: Record<string, string>): Promise<NetworkPolicyReport> {
    const resource = "ciliumnetworkpolicies";
    try {
      const list = (await this.api.listClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: resource,
      })) as { items?: unknown[] };
      const items = list.items ?? [];
      return { kind: "listed", atRisk: policiesAtRisk(items, cacheLabels), listed: items.length };
    } catch (err) {
      const info = kubeErrorInfo(err);
      if (info?.status === 404) return { kind: "listed", atRisk: [], listed: 0 };
      if (info?.status === 403) {
        return {
          kind: "unreadable",
          message: `the dashboard may not list CiliumNetworkPolicies (${info.message}); ${ruleHint("list", resource)} to have the policies at risk named here`,
        };
      }
      return { kind: "unreadable", message: `cannot list CiliumNetworkPolicies: ${describeError(err)}` };
    }
  }
}
