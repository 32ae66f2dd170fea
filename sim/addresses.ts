/**
 * The simulated cluster's address plan on the loopback range (127.0.0.0/8 all routes to `lo` on Linux).
 *
 * A real node-local-dns pod runs on the host network, so its pod IP is the node IP; it binds the
 * link-local 169.254.20.10 and the kube-dns ClusterIP on a dummy interface. Off the host network (the
 * Cilium Local Redirect Policy layout) the pod has its own IP, `podIP`. Here each of those gets a
 * loopback stand-in per node, grouped by the second octet so that several clusters (a demo and a test
 * run) can share one machine: cluster `base` uses 127.base.*.*, 127.(base+1).*.*, ... 127.(base+3).*.*.
 */
export interface SimNodeAddresses {
  /** Node InternalIP = pod IP; metrics are served on nodeIP:9253 exactly as in a cluster. */
  nodeIP: string;
  /** Stand-in for 169.254.20.10 on this node. */
  linkLocal: string;
  /** Stand-in for the kube-dns ClusterIP (e.g. 10.96.0.10) on this node. */
  kubeDns: string;
  /**
   * The IP a pod off the host network gets on this node (`hostNetwork: false`, as in the Cilium Local
   * Redirect Policy layout): distinct from the node IP and from the two stand-ins above.
   */
  podIP: string;
}

export const LINK_LOCAL_IP = "169.254.20.10";
export const KUBE_DNS_CLUSTER_IP = "10.96.0.10";
export const KUBE_DNS_UPSTREAM_CLUSTER_IP = "10.96.0.11";
/** What the nodes' /etc/resolv.conf points at (a VPC resolver, as on a cloud node). */
export const NODE_RESOLVER_IP = "10.0.0.2";

const NODES_PER_OCTET = 250;

function host(secondOctet: number, index: number): string {
  return `127.${secondOctet}.${Math.floor(index / NODES_PER_OCTET)}.${(index % NODES_PER_OCTET) + 1}`;
}

/** Pod IPs take the upper half of the link-local octet (third octet 128 and up): no stand-in is there. */
const POD_IP_THIRD_OCTET = 128;

export function nodeAddresses(base: number, index: number): SimNodeAddresses {
  return {
    nodeIP: host(base, index),
    linkLocal: host(base + 1, index),
    kubeDns: host(base + 2, index),
    podIP: `127.${base + 1}.${POD_IP_THIRD_OCTET + Math.floor(index / NODES_PER_OCTET)}.${(index % NODES_PER_OCTET) + 1}`,
  };
}

/** Where the simulated kube-dns (authoritative for cluster.local) and the external resolver listen. */
export function upstreamHosts(base: number): { clusterDns: string; externalResolver: string } {
  return { clusterDns: `127.${base + 3}.0.2`, externalResolver: `127.${base + 3}.0.3` };
}

/** The API server listens here. */
export function apiServerHost(base: number): string {
  return `127.${base + 3}.0.1`;
}
