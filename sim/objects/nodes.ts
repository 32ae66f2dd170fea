/**
 * Node objects that look like a kubeadm cluster on cloud VMs: the fields kubectl's tables, the
 * dashboard and operators read (InternalIP, kubelet version, OS image, kernel, runtime, capacity).
 */
import crypto from "node:crypto";
import { nodeAddresses } from "../addresses";
import { formatTime } from "../k8s/store";
import type { KubeObject } from "../k8s/types";

export const KUBELET_VERSION = "v1.32.4";
const OS_IMAGE = "Ubuntu 22.04.5 LTS";
const KERNEL_VERSION = "6.8.0-1021-aws";
const CONTAINER_RUNTIME = "containerd://1.7.24";

/** `node-1`, `node-2`, ... (index is 0-based). */
export function nodeName(index: number): string {
  return `node-${index + 1}`;
}

function condition(
  type: string,
  status: string,
  reason: string,
  message: string,
  now: string,
): Record<string, string> {
  return { type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message };
}

/** Deterministic per-node ids so a restarted simulation shows the same machine ids. */
function machineId(base: number, index: number, salt: string): string {
  return crypto.createHash("sha256").update(`${salt}/${base}/${index}`).digest("hex").slice(0, 32);
}

function uuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function nodeObject(base: number, index: number, now = new Date()): KubeObject {
  const name = nodeName(index);
  const ts = formatTime(now);
  const { nodeIP } = nodeAddresses(base, index);
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "node.kubernetes.io/instance-type": "m6i.large",
        "topology.kubernetes.io/zone": ["eu-west-1a", "eu-west-1b", "eu-west-1c"][index % 3]!,
      },
      annotations: {
        "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
      },
    },
    spec: { podCIDR: `10.244.${index % 256}.0/24`, podCIDRs: [`10.244.${index % 256}.0/24`] },
    status: {
      capacity: {
        cpu: "2",
        "ephemeral-storage": "81106868Ki",
        "hugepages-2Mi": "0",
        memory: "7941540Ki",
        pods: "110",
      },
      allocatable: {
        cpu: "1930m",
        "ephemeral-storage": "73670619315",
        "hugepages-2Mi": "0",
        memory: "7326116Ki",
        pods: "110",
      },
      conditions: [
        condition(
          "MemoryPressure",
          "False",
          "KubeletHasSufficientMemory",
          "kubelet has sufficient memory available",
          ts,
        ),
        condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", ts),
        condition(
          "PIDPressure",
          "False",
          "KubeletHasSufficientPID",
          "kubelet has sufficient PID available",
          ts,
        ),
        condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", ts),
      ],
      addresses: [
        { type: "InternalIP", address: nodeIP },
        { type: "Hostname", address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: machineId(base, index, "machine"),
        systemUUID: uuid(machineId(base, index, "system")),
        bootID: uuid(machineId(base, index, `boot/${now.getTime()}`)),
        kernelVersion: KERNEL_VERSION,
        osImage: OS_IMAGE,
        containerRuntimeVersion: CONTAINER_RUNTIME,
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: "linux",
        architecture: "amd64",
      },
    },
  };
}
