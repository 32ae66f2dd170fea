/**
 * What node-cache does to the mounted Corefile.base before CoreDNS reads it
 * (kubernetes/dns cmd/node-cache/app/configmap.go, coredns-facts.md §1.4), for the case every
 * simulated node is in: no kube-dns ConfigMap, so no stub domains and no upstreamNameservers.
 */

/** Path node-cache substitutes for __PILLAR__UPSTREAM__SERVERS__ when kube-dns names no upstreams. */
export const RESOLV_CONF = "/etc/resolv.conf";

/** The rendered /etc/Corefile: the placeholders node-cache owns, replaced. */
export function renderCorefile(base: string, opts: { clusterDnsIP: string; localIPs: string[] }): string {
  return base
    .replaceAll("__PILLAR__UPSTREAM__SERVERS__", RESOLV_CONF)
    .replaceAll("__PILLAR__CLUSTER__DNS__", opts.clusterDnsIP)
    .replaceAll("__PILLAR__LOCAL__DNS__", opts.localIPs.join(" "))
    .replaceAll("__PILLAR__DNS__SERVER__", "");
}

/** node-cache's log line after rendering, e.g. "Updated Corefile with 0 custom stubdomains and upstream servers /etc/resolv.conf". */
export function renderedLogLine(): string {
  return `Updated Corefile with 0 custom stubdomains and upstream servers ${RESOLV_CONF}`;
}
