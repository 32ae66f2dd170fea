/**
 * `cluster.json`: where each simulated node's pieces really listen, for tests, scripts and humans
 * (`dig @<dns.address> -p <dns.port>`). Rewritten whenever a node's pod is replaced.
 */
import { nodeAddresses } from "../addresses";
import { podIPOf, type CorednsVersion } from "../runtime";
import type { Kubelet } from "../k8s/kubelet";

/** One node: its IP, the pod running there now, and the real endpoints of that pod. */
export interface SimNodeDescription {
  name: string;
  nodeIP: string;
  /** The node-local-dns pod running there now (null while none runs). */
  pod: string | null;
  corednsVersion: CorednsVersion;
  /** The link-local listener (stand-in for 169.254.20.10:53); the pod's bind-all listener in the LRP layout. */
  dns: { address: string; port: number };
  /** The kube-dns ClusterIP listener (stand-in for 10.96.0.10:53), which pods' resolv.conf points at. */
  kubeDns: { address: string; port: number };
  metrics: string;
  /** The pod's IP: the node IP on the host network; its own in the Cilium LRP layout. */
  podIP: string;
}

export interface SimClusterDescription {
  apiServer: string;
  kubeconfig: string;
  nodes: SimNodeDescription[];
}

/** A running pod's real DNS listeners; sim/dns pods expose them when the port is ephemeral. */
interface DnsEndpointsRuntime {
  dnsEndpoints?: () => { virtualIP: string; host: string; port: number; proto?: string }[];
}

/** What runs where now, from the kubelets' running containers. */
export function describeNodes(
  kubelets: readonly Kubelet[],
  base: number,
  versions: readonly CorednsVersion[],
  dnsPort: number,
  metricsPort: number,
): SimNodeDescription[] {
  return kubelets.map((k, i) => {
    const addresses = nodeAddresses(base, i);
    const running = k.runningPods()[0];
    const endpoints = (running?.runtime as DnsEndpointsRuntime | undefined)?.dnsEndpoints?.() ?? [];
    const portOn = (host: string) =>
      endpoints.find((e) => e.host === host && (e.proto ?? "udp") === "udp")?.port ??
      endpoints.find((e) => e.host === host)?.port ??
      dnsPort;
    const hostNetwork = running?.runtime.spec.hostNetwork !== false;
    const podIP = running ? podIPOf(running.runtime.spec) : addresses.nodeIP;
    // Off the host network the pod's one bind-all listener is where a Local Redirect Policy sends
    // pods' kube-dns queries: both "addresses" are that listener.
    const dns = hostNetwork ? addresses.linkLocal : podIP;
    const kubeDns = hostNetwork ? addresses.kubeDns : podIP;
    return {
      name: k.nodeName,
      nodeIP: addresses.nodeIP,
      pod: running?.name ?? null,
      corednsVersion: versions[i % versions.length]!,
      dns: { address: dns, port: portOn(dns) },
      kubeDns: { address: kubeDns, port: portOn(kubeDns) },
      metrics: `http://${podIP}:${metricsPort}/metrics`,
      podIP,
    };
  });
}
