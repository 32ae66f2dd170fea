/**
 * Objects every API server creates at start-up: the four system namespaces and the `kubernetes`
 * Service in `default`.
 */
import type { ObjectStore } from "./store";
import { RESOURCES } from "./resources";

const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** Creates whichever of them is missing. */
export function ensureSystemObjects(store: ObjectStore): void {
  for (const name of SYSTEM_NAMESPACES) {
    if (!store.get(RESOURCES.namespaces, undefined, name)) {
      store.create(RESOURCES.namespaces, {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
      });
    }
  }
  if (!store.get(RESOURCES.services, "default", "kubernetes")) {
    store.create(RESOURCES.services, {
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: "kubernetes",
        namespace: "default",
        labels: { component: "apiserver", provider: "kubernetes" },
      },
      spec: {
        clusterIP: "10.96.0.1",
        clusterIPs: ["10.96.0.1"],
        internalTrafficPolicy: "Cluster",
        ipFamilies: ["IPv4"],
        ipFamilyPolicy: "SingleStack",
        ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }],
        sessionAffinity: "None",
        type: "ClusterIP",
      },
    });
  }
}
