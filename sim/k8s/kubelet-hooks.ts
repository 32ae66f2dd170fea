/**
 * The API server's extension points, served by the kubelets: pods/log, pods/proxy and
 * pods/portforward reach the container on the pod's node; a graceful DELETE reaches the kubelet
 * through the pod's deletionTimestamp (the kubelet watches its pods), so the hook only finishes
 * deletions no kubelet will see.
 */
import { RESOURCES, StoreError, type ObjectStore } from "./store";
import type { KubeObject } from "./types";
import type { ApiServerHooks } from "./context";
import type { Kubelet } from "./kubelet";
import { parsePodLogQuery } from "./pod-log-query";
import { streamPodLog } from "./pod-log";
import { proxyToPod } from "./pod-proxy";
import { PortForwarder } from "./portforward";

export interface RuntimeHooks {
  api: ApiServerHooks;
  /** What the DaemonSet controller calls: the same graceful deletion as `DELETE pods/x`. */
  deletePodGracefully(namespace: string, name: string): void;
  close(): Promise<void>;
}

function nodeOf(pod: KubeObject): string | undefined {
  return (pod.spec as { nodeName?: string } | undefined)?.nodeName || undefined;
}

function notRunning(pod: KubeObject): StoreError {
  // The API server's answer when the pod has no node or IP to reach.
  return new StoreError(400, "BadRequest", `pod ${pod.metadata.name} does not have a host assigned`);
}

export function runtimeHooks(store: ObjectStore, kubelets: readonly Kubelet[]): RuntimeHooks {
  const byNode = new Map(kubelets.map((k) => [k.nodeName, k]));
  const forwarder = new PortForwarder();
  const kubeletFor = (pod: KubeObject) => {
    const node = nodeOf(pod);
    return node ? byNode.get(node) : undefined;
  };

  const finishIfOrphan = (pod: KubeObject) => {
    // No kubelet will stop it (unscheduled, unknown node) or no grace asked: remove it now.
    if (!kubeletFor(pod) || pod.metadata.deletionGracePeriodSeconds === 0) {
      try {
        store.delete(RESOURCES.pods, pod.metadata.namespace, pod.metadata.name);
      } catch (err) {
        if (!(err instanceof StoreError) || err.status !== 404) throw err;
      }
    }
  };

  return {
    api: {
      podLog: ({ pod, query, res }) => {
        const q = parsePodLogQuery(query);
        streamPodLog(
          pod,
          kubeletFor(pod)?.worker(pod.metadata.namespace ?? "default", pod.metadata.name),
          q,
          res,
        );
      },
      podProxy: ({ pod, port, pathAndQuery, req, res }) => {
        const kubelet = kubeletFor(pod);
        if (!kubelet) throw notRunning(pod);
        const target = kubelet.endpointFor(pod, port ?? 80);
        if (!target)
          throw new StoreError(
            503,
            "ServiceUnavailable",
            `no endpoints available for pod "${pod.metadata.name}"`,
          );
        proxyToPod(target, pathAndQuery, req, res);
      },
      podPortForward: ({ pod, ports, req, socket, head, namespace, name }) => {
        const kubelet = kubeletFor(pod);
        if (!kubelet) throw notRunning(pod);
        if (ports.length === 0) throw new StoreError(400, "BadRequest", `query parameter "port" is required`);
        forwarder.handleUpgrade(
          req,
          socket,
          head,
          ports,
          (p) => kubelet.endpointFor(pod, p),
          `${name}_${namespace}`,
        );
      },
      onPodDeleteRequested: finishIfOrphan,
    },
    deletePodGracefully(namespace, name) {
      const pod = store.get(RESOURCES.pods, namespace, name);
      if (!pod) return;
      const grace =
        (pod.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds ??
        30;
      const marked = store.markDeleting(RESOURCES.pods, namespace, name, grace);
      finishIfOrphan(marked);
    },
    close: () => forwarder.close(),
  };
}
