/**
 * The node-local-dns addon objects exactly as an operator creates them: the upstream manifest
 * (`nodelocaldns.yaml`, a verbatim copy of kubernetes/kubernetes cluster/addons/dns/nodelocaldns)
 * after the documented sed step. `__PILLAR__CLUSTER__DNS__` and `__PILLAR__UPSTREAM__SERVERS__` stay:
 * node-cache fills those in inside each pod.
 */
import fs from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { KUBE_DNS_CLUSTER_IP, KUBE_DNS_UPSTREAM_CLUSTER_IP, LINK_LOCAL_IP } from "../addresses";
import type { KubeObject } from "../k8s/types";

/** The documented `sed` substitutions of the addon README (iptables mode). */
export const ADDON_SUBSTITUTIONS: Readonly<Record<string, string>> = {
  __PILLAR__DNS__DOMAIN__: "cluster.local",
  __PILLAR__LOCAL__DNS__: LINK_LOCAL_IP,
  __PILLAR__DNS__SERVER__: KUBE_DNS_CLUSTER_IP,
};

/** The manifest text after the sed step. */
export function renderAddonManifest(raw = readUpstreamManifest()): string {
  let text = raw;
  for (const [placeholder, value] of Object.entries(ADDON_SUBSTITUTIONS))
    text = text.split(placeholder).join(value);
  return text;
}

export function readUpstreamManifest(): string {
  return fs.readFileSync(path.join(__dirname, "nodelocaldns.yaml"), "utf8");
}

/**
 * The five addon objects, as `kubectl create -f` would send them. The Service `kube-dns-upstream`
 * gets the ClusterIP the simulation routes to the cluster DNS (the manifest leaves it to the allocator).
 */
export function addonObjects(raw?: string): KubeObject[] {
  const docs = parseAllDocuments(renderAddonManifest(raw));
  const objects: KubeObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      throw new Error(
        `sim/objects/nodelocaldns.yaml does not parse: ${doc.errors[0]?.message}; restore the upstream copy`,
      );
    }
    const obj = doc.toJS() as KubeObject | null;
    if (!obj) continue;
    if (obj.kind === "Service" && obj.metadata.name === "kube-dns-upstream") {
      const spec = obj.spec as Record<string, unknown>;
      obj.spec = {
        ...spec,
        clusterIP: KUBE_DNS_UPSTREAM_CLUSTER_IP,
        clusterIPs: [KUBE_DNS_UPSTREAM_CLUSTER_IP],
        type: "ClusterIP",
      };
    }
    objects.push(obj);
  }
  return objects;
}
