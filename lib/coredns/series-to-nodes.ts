/**
 * Which engine series belong to which node, whatever the scrape config: by the `node` label where
 * relabelling added it (kubernetes_sd's `__meta_kubernetes_pod_node_name`), else by the `pod` label,
 * else by the `instance` address matched against the pod's IP (node-local-dns runs on the host
 * network, so that is the node's IP too). A node with a pod but no series says why. Pure.
 */
import { podsByNode } from "../k8s/reshape";
import type { CachePod, ClusterNode } from "../k8s/types";
import type { NodeKey } from "./promql";

export type MatchedBy = "node" | "pod" | "instance";

export interface NodeSeriesMatch<T> {
  series: T | null;
  matchedBy: MatchedBy | null;
  /** Why the node has no numbers although it has a pod; null when it has numbers or has no pod. */
  why: string | null;
}

/** "10.0.0.1:9253" → "10.0.0.1"; "[fd00::1]:9253" → "fd00::1"; "host" → "host". */
export function instanceHost(instance: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(instance);
  if (bracketed) return bracketed[1] ?? "";
  const colons = instance.split(":").length - 1;
  if (colons === 1) return instance.slice(0, instance.indexOf(":"));
  return instance; // bare IPv4/host, or a bare IPv6 address
}

export function matchSeriesToNodes<
  T extends { key: NodeKey; up: number | null; scrape: unknown; scrapedAt: number | null },
>(
  nodes: readonly ClusterNode[],
  pods: readonly CachePod[],
  series: readonly T[],
  selectorText: string,
): Map<string, NodeSeriesMatch<T>> {
  const index = (f: (s: T) => string) => {
    const m = new Map<string, T[]>();
    for (const s of series) {
      const k = f(s);
      if (!k) continue;
      let list = m.get(k);
      if (!list) m.set(k, (list = []));
      list.push(s);
    }
    return m;
  };
  const byNode = index((s) => s.key.node);
  const byPod = index((s) => s.key.pod);
  const byHost = index((s) => instanceHost(s.key.instance));

  const out = new Map<string, NodeSeriesMatch<T>>();
  const podByNode = podsByNode(pods);
  for (const n of nodes) {
    const pod = podByNode.get(n.name) ?? null;
    let matchedBy: MatchedBy | null = null;
    let candidates: T[] = [];
    if (byNode.has(n.name)) [matchedBy, candidates] = ["node", byNode.get(n.name) ?? []];
    else if (pod && byPod.has(pod.name)) [matchedBy, candidates] = ["pod", byPod.get(pod.name) ?? []];
    else {
      const hosts = [pod?.podIP, n.internalIP].filter((h): h is string => Boolean(h));
      const host = hosts.find((h) => byHost.has(h));
      if (host) [matchedBy, candidates] = ["instance", byHost.get(host) ?? []];
    }
    const best = pickBest(candidates, pod);
    out.set(n.name, {
      series: best,
      matchedBy: best ? matchedBy : null,
      why: whyMissing(best, n, pod, selectorText),
    });
  }
  return out;
}

/** Several series for one node (a restarted pod's old series, HA pairs without dedup): the current pod's, freshest. */
function pickBest<T extends { key: NodeKey; up: number | null; scrape: unknown; scrapedAt: number | null }>(
  candidates: readonly T[],
  pod: CachePod | null,
): T | null {
  let best: T | null = null;
  const score = (s: T) => (pod && s.key.pod === pod.name ? 4 : 0) + (s.scrape ? 2 : 0) + (s.up === 1 ? 1 : 0);
  for (const s of candidates) {
    if (
      !best ||
      score(s) > score(best) ||
      (score(s) === score(best) && (s.scrapedAt ?? 0) > (best.scrapedAt ?? 0))
    )
      best = s;
  }
  return best;
}

function whyMissing<T extends { key: NodeKey; up: number | null; scrape: unknown; scrapedAt: number | null }>(
  s: T | null,
  node: ClusterNode,
  pod: CachePod | null,
  selectorText: string,
): string | null {
  if (!pod) return null;
  if (!s) {
    if (!pod.podIP) return `pod ${pod.name} has no IP yet (${pod.status}), so nothing can scrape it`;
    return (
      `no series for pod IP ${pod.podIP} (pod ${pod.name}, node ${node.name}) under selector ${selectorText} — ` +
      `the engine does not scrape this pod: check the PodMonitor or scrape config (deploy/prometheus) and the selector`
    );
  }
  if (s.up === 0)
    return `the engine cannot scrape ${s.key.instance || pod.name} (up == 0): see the target's error on its /targets page`;
  if (!s.scrape)
    return `the engine scrapes ${s.key.instance || pod.name} but holds no coredns_* series from it — is it the metrics port (:9253)?`;
  return null;
}
