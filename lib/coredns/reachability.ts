/**
 * "Do pods really reach this cache?" from the `server` label of coredns_dns_requests_total.
 * In iptables mode node-local-dns also binds the kube-dns ClusterIP, and NOTRACK rules send pods'
 * queries for it to the local cache: traffic on `dns://10.96.0.10:53` proves pods reach the cache
 * transparently. Traffic only on the link-local address means only pods told about 169.254.20.10
 * (IPVS mode's kubelet --cluster-dns) use it; pods still using the ClusterIP bypass it. Pure.
 */
export type ReachabilityVerdict = "transparent" | "link-local-only" | "no-traffic" | "other";

export interface Reachability {
  verdict: ReachabilityVerdict;
  /** Share of queries that arrived on a non-link-local address (the kube-dns ClusterIP). */
  clusterIpShare: number | null;
  byAddress: { server: string; address: string; linkLocal: boolean; queriesPerSecond: number }[];
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

export function reachability(serverRates: Record<string, number>): Reachability {
  const byAddress = Object.entries(serverRates)
    .map(([server, qps]) => {
      const address = serverAddress(server);
      return { server, address, linkLocal: isLinkLocal(address), queriesPerSecond: qps };
    })
    .sort((a, b) => Number(b.linkLocal) - Number(a.linkLocal) || a.server.localeCompare(b.server));
  const total = byAddress.reduce((n, a) => n + a.queriesPerSecond, 0);
  const clusterIp = byAddress
    .filter((a) => !a.linkLocal && a.address !== "")
    .reduce((n, a) => n + a.queriesPerSecond, 0);
  const linkLocal = byAddress.filter((a) => a.linkLocal).reduce((n, a) => n + a.queriesPerSecond, 0);
  let verdict: ReachabilityVerdict;
  if (total <= 0) verdict = "no-traffic";
  else if (clusterIp > 0) verdict = "transparent";
  else if (linkLocal > 0) verdict = "link-local-only";
  else verdict = "other";
  return { verdict, clusterIpShare: total > 0 ? clusterIp / total : null, byAddress };
}
