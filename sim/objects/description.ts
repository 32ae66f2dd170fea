/**
 * `cluster.json`: where each simulated node's pieces really listen, for tests, scripts and humans
 * (`dig @<dns.address> -p <dns.port>`). Rewritten whenever a node's pod is replaced.
 */
import type { CorednsVersion } from "../runtime";

/** One node: its IP, the pod running there now, and the real endpoints of that pod. */
export interface SimNodeDescription {
  name: string;
  nodeIP: string;
  /** The node-local-dns pod running there now (null while none runs). */
  pod: string | null;
  corednsVersion: CorednsVersion;
  /** The link-local listener (stand-in for 169.254.20.10:53). */
  dns: { address: string; port: number };
  /** The kube-dns ClusterIP listener (stand-in for 10.96.0.10:53), which pods' resolv.conf points at. */
  kubeDns: { address: string; port: number };
  metrics: string;
}

export interface SimClusterDescription {
  apiServer: string;
  kubeconfig: string;
  nodes: SimNodeDescription[];
}
