/**
 * The simulated node-local-dns world: the pod (`startNodeLocalDnsPod`, a `StartPodRuntime`), the
 * upstream DNS servers it forwards to, simulated client traffic, and a one-shot DNS client.
 */
import type { StartPodRuntime } from "../runtime";
import { startNodeLocalDnsPod } from "./pod";

export {
  startNodeLocalDnsPod,
  PodStartError,
  type NodeLocalDnsPod,
  type DnsEndpoint,
  type PodTiming,
} from "./pod";
export {
  startClusterDns,
  startExternalResolver,
  type SimUpstream,
  type SimClusterDns,
  type ClusterService,
} from "./upstream";
export {
  startTraffic,
  searchCandidates,
  type Traffic,
  type TrafficOptions,
  type TrafficTarget,
} from "./traffic";
export { queryOnce, DnsQueryError, type QueryOnceOptions, type QueryResult } from "./client";

/** The pod runtime as the kubelet sees it (default demo timings). */
export const startPodRuntime: StartPodRuntime = (spec) => startNodeLocalDnsPod(spec);
