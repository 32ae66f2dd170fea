/**
 * "Do pods really reach this cache?" from the `server` label of coredns_dns_requests_total.
 * In iptables mode node-local-dns also binds the kube-dns ClusterIP, and NOTRACK rules send pods'
 * queries for it to the local cache: traffic on `dns://10.96.0.10:53` proves pods reach the cache
 * transparently. Traffic only on the link-local address means only pods told about 169.254.20.10
 * (IPVS mode's kubelet --cluster-dns) use it; pods still using the ClusterIP bypass it.
 * In the Cilium Local Redirect Policy layout (interception.ts) the pod binds broadly and Cilium hands
 * it the queries pods send to kube-dns: traffic on that bind-all listener while a policy selects the
 * pod is "reached through the redirect policy"; no policy means pods' queries go to kube-dns instead.
 * Pure.
 */
import { isBindAllAddress } from "./interception";

export type ReachabilityVerdict =
  | "transparent"
  | "link-local-only"
  | "no-traffic"
  | "other"
  /** LRP layout: a CiliumLocalRedirectPolicy selects this pod and queries arrive on its bind-all listener. */
  | "redirected"
  /** LRP layout: no CiliumLocalRedirectPolicy selects this pod. */
  | "no-redirect-policy"
  /** LRP layout: the dashboard cannot read CiliumLocalRedirectPolicies (403, CRD not served, error). */
  | "redirect-unverified";

/** What the dashboard knows about the redirect policies for this node's pod (LRP layout only). */
export type RedirectPolicies =
  | { kind: "selecting"; policies: { namespace: string; name: string; frontend: string }[] }
  | { kind: "unreadable"; message: string };

export interface Reachability {
  verdict: ReachabilityVerdict;
  /** Share of queries that arrived on a non-link-local address (the kube-dns ClusterIP). */
  clusterIpShare: number | null;
  byAddress: {
    server: string;
    address: string;
    linkLocal: boolean;
    /** `bind 0.0.0.0` / no bind: every address of the pod. */
    bindAll: boolean;
    queriesPerSecond: number;
  }[];
  /** LRP layout: the policy that redirects pods' kube-dns queries here (the first, by name). */
  redirectPolicy: { namespace: string; name: string; frontend: string } | null;
  /** LRP layout: why the redirect cannot be verified, or what to do about a missing policy. */
  note: string | null;
}

export function serverAddress(server: string): string {
  // "dns://169.254.20.10:53" → "169.254.20.10"; "dns://[fd00::a]:53" → "fd00::a"; "dns://:53" → ""
  const m = /^[a-z0-9]+:\/\/(\[[^\]]*\]|[^:]*)(?::\d+)?$/i.exec(server);
  const host = m?.[1] ?? server;
  return host.startsWith("[") ? host.slice(1, -1) : host;
}

export function isLinkLocal(address: string): boolean {
  return address.startsWith("169.254.") || address.toLowerCase().startsWith("fe80:");
}

/** The warning's "what to do" when no policy selects the pods. */
export const NO_POLICY_NOTE =
  "No CiliumLocalRedirectPolicy selects this pod, so pods' queries to the kube-dns ClusterIP go to " +
  "kube-dns and bypass this cache. Create one in the pod's namespace (redirectFrontend.serviceMatcher " +
  "on kube-dns, redirectBackend.localEndpointSelector matching the node-local-dns pods, ports 53/UDP " +
  "and 53/TCP), with Cilium's localRedirectPolicies.enabled=true.";

/**
 * @param redirect present in the LRP layout only: the policies selecting this node's pod, or why
 *   they cannot be read.
 */
export function reachability(serverRates: Record<string, number>, redirect?: RedirectPolicies): Reachability {
  const byAddress = Object.entries(serverRates)
    .map(([server, qps]) => {
      const address = serverAddress(server);
      return {
        server,
        address,
        linkLocal: isLinkLocal(address),
        bindAll: isBindAllAddress(address),
        queriesPerSecond: qps,
      };
    })
    .sort((a, b) => Number(b.linkLocal) - Number(a.linkLocal) || a.server.localeCompare(b.server));
  const sum = (keep: (a: (typeof byAddress)[number]) => boolean) =>
    byAddress.filter(keep).reduce((n, a) => n + a.queriesPerSecond, 0);
  const total = sum(() => true);
  const clusterIp = sum((a) => !a.linkLocal && !a.bindAll);
  const linkLocal = sum((a) => a.linkLocal);
  const bindAll = sum((a) => a.bindAll);
  const base = { clusterIpShare: total > 0 ? clusterIp / total : null, byAddress };
  if (redirect) {
    if (redirect.kind === "unreadable") {
      return {
        ...base,
        verdict: total <= 0 ? "no-traffic" : "redirect-unverified",
        redirectPolicy: null,
        note: redirect.message,
      };
    }
    const policy = [...redirect.policies].sort((a, b) => a.name.localeCompare(b.name))[0] ?? null;
    // Without a policy Cilium does not redirect: whatever arrives here was sent to the pod IP itself.
    if (!policy)
      return { ...base, verdict: "no-redirect-policy", redirectPolicy: null, note: NO_POLICY_NOTE };
    return {
      ...base,
      verdict: bindAll > 0 ? "redirected" : total > 0 ? "other" : "no-traffic",
      redirectPolicy: policy,
      note: null,
    };
  }
  let verdict: ReachabilityVerdict;
  if (total <= 0) verdict = "no-traffic";
  else if (clusterIp > 0) verdict = "transparent";
  else if (linkLocal > 0) verdict = "link-local-only";
  else verdict = "other";
  return { ...base, verdict, redirectPolicy: null, note: null };
}
