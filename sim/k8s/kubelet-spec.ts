/**
 * What the kubelet reads from a pod spec: its containers, the ConfigMap mounted as the Corefile, and
 * node-cache's `-localip` argument.
 */
import type { KubeObject } from "./types";

interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

interface ConfigVolume {
  configMap?: { name: string; items?: { key: string; path: string }[] };
  name: string;
}

/** The pod's containers, as far as the kubelet reads them. */
export function podContainers(pod: KubeObject): {
  name: string;
  args?: string[];
  ports?: ContainerPort[];
  volumeMounts?: { name: string; mountPath: string }[];
}[] {
  return ((pod.spec as { containers?: unknown[] } | undefined)?.containers ?? []) as never;
}

/** The ConfigMap and key mounted as `/etc/coredns/Corefile.base` (the addon's `config-volume`). */
export function corefileSource(pod: KubeObject): { configMap: string; key: string } | undefined {
  const volumes = ((pod.spec as { volumes?: ConfigVolume[] } | undefined)?.volumes ?? []).filter(
    (v) => v.configMap,
  );
  const mounts = podContainers(pod)[0]?.volumeMounts ?? [];
  for (const v of volumes) {
    const mount = mounts.find((m) => m.name === v.name);
    if (!mount || !v.configMap) continue;
    const item = v.configMap.items?.find(
      (i) => `${mount.mountPath.replace(/\/$/, "")}/${i.path}` === "/etc/coredns/Corefile.base",
    );
    if (item) return { configMap: v.configMap.name, key: item.key };
    if (!v.configMap.items && mount.mountPath.replace(/\/$/, "") === "/etc/coredns")
      return { configMap: v.configMap.name, key: "Corefile.base" };
  }
  return undefined;
}

/** `-localip 169.254.20.10,10.96.0.10` from the container args. */
export function localIPsFromArgs(args: readonly string[] | undefined): string[] {
  const i = (args ?? []).indexOf("-localip");
  const value = i >= 0 ? args?.[i + 1] : undefined;
  return value
    ? value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

/** The pod spec's `hostNetwork` (false when unset, as the API server defaults it). */
export function podHostNetwork(pod: KubeObject): boolean {
  return (pod.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork === true;
}
