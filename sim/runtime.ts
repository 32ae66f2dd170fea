/**
 * The contract between the simulated kubelet (sim/k8s) and the simulated node-local-dns container
 * (sim/dns). The kubelet starts one PodRuntime per pod it runs; the API server serves its log for
 * `pods/log`, and reaches its metrics/health ports over real TCP for `pods/proxy` and `pods/portforward`.
 */
import type { SimNodeAddresses } from "./addresses";

/** CoreDNS versions a simulated pod can emulate, with the node-cache image that bundles each. */
export const COREDNS_VERSIONS = {
  "1.7.0": { nodeCache: "1.22.13", goVersion: "go1.19.8" },
  "1.10.0": { nodeCache: "1.22.28", goVersion: "go1.19.8" },
  "1.11.3": { nodeCache: "1.26.4", goVersion: "go1.22.12" },
  // kubernetes-sigs/node-local-dns: 1.26.5 embeds CoreDNS 1.12.2, 1.26.6/1.26.7 embed 1.13.1 (go.mod);
  // Go from the Makefile's BUILD_IMAGE at those tags.
  "1.12.2": { nodeCache: "1.26.5", goVersion: "go1.23.7" },
  "1.13.1": { nodeCache: "1.26.7", goVersion: "go1.24.8" },
} as const;
export type CorednsVersion = keyof typeof COREDNS_VERSIONS;
export const DEFAULT_COREDNS_VERSION: CorednsVersion = "1.11.3";

/** `--versions 1.13.1,1.12.2`: the versions to cycle over the nodes; throws naming the known ones. */
export function parseCorednsVersions(value: string | undefined): CorednsVersion[] | undefined {
  if (!value) return undefined;
  const list = value.split(",").map((v) => v.trim());
  const known = Object.keys(COREDNS_VERSIONS);
  for (const v of list)
    if (!known.includes(v))
      throw new Error(`--versions: unknown CoreDNS version "${v}"; choose from ${known.join(", ")}`);
  return list as CorednsVersion[];
}

/** A DNS endpoint the simulation can really reach, and the cluster address it stands in for. */
export interface SimEndpoint {
  /** The address the Corefile / metrics labels show, e.g. "10.96.0.11" (a ClusterIP). */
  virtualIP: string;
  /** Where it really listens on this machine, e.g. "127.4.0.2". */
  host: string;
  port: number;
}

export interface PodRuntimeSpec {
  namespace: string;
  podName: string;
  nodeName: string;
  /** The node's addresses: the node IP, and loopback stand-ins for the bind IPs. */
  addresses: SimNodeAddresses;
  /** The pod spec's `hostNetwork`; default true (the upstream manifest). The Cilium LRP layout: false. */
  hostNetwork?: boolean;
  /** The ConfigMap's `Corefile` key as mounted at /etc/coredns/Corefile.base when the pod starts. */
  corefileBase: string;
  corednsVersion: CorednsVersion;
  /** Actual UDP/TCP port to serve DNS on instead of the Corefile's :53 (53 needs root; tests use 0). */
  dnsPort: number;
  /** Port of `prometheus :9253` (bound on the node IP). */
  metricsPort: number;
  /** Port of `health <localip>:8080` (bound on the link-local stand-in). */
  healthPort: number;
  /** kube-dns-upstream Service: replaces __PILLAR__CLUSTER__DNS__. */
  clusterDns: SimEndpoint;
  /** The node's /etc/resolv.conf nameservers: replace __PILLAR__UPSTREAM__SERVERS__. */
  upstreamResolvers: SimEndpoint[];
  /** `-localip` as the DaemonSet args give it, e.g. ["169.254.20.10", "10.96.0.10"]. */
  localIPs: string[];
}

/**
 * The pod's IP: the node IP on the host network, else the node's pod address. Metrics, listeners
 * without `bind` or with `bind 0.0.0.0`, and queries to upstreams use it.
 */
export function podIPOf(spec: Pick<PodRuntimeSpec, "hostNetwork" | "addresses">): string {
  return spec.hostNetwork === false ? spec.addresses.podIP : spec.addresses.nodeIP;
}

/** One line of container output, with the time the kubelet would record for `--timestamps`. */
export interface LogEntry {
  time: Date;
  text: string;
}

/** A container's stdout/stderr as the kubelet keeps it: append-only, followable. */
export interface ContainerLog {
  entries(): readonly LogEntry[];
  /** Called for every new entry; returns the unsubscribe function. */
  subscribe(onEntry: (entry: LogEntry) => void): () => void;
}

export type PodRuntimeState =
  | { phase: "starting" }
  | { phase: "running"; startedAt: Date }
  /** The container exited (e.g. a Corefile CoreDNS rejects at start): the kubelet restarts it with back-off. */
  | { phase: "exited"; exitCode: number; reason: string; finishedAt: Date };

export interface PodRuntime {
  readonly spec: PodRuntimeSpec;
  readonly log: ContainerLog;
  state(): PodRuntimeState;
  /** Resolves once every listener is up; rejects (after logging why) if the container exits at start. */
  readonly started: Promise<void>;
  /** The mounted ConfigMap changed: re-render and reload the way node-cache + the `reload` plugin do. */
  updateCorefileBase(text: string): void;
  /** SIGTERM: log the shutdown lines, close every listener. */
  stop(): Promise<void>;
}

export type StartPodRuntime = (spec: PodRuntimeSpec) => PodRuntime;
