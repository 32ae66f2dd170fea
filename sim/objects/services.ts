/**
 * Namespaces and the Services the simulated cluster DNS answers for: kubernetes.default, kube-dns and
 * a few applications (the names the simulated pods' traffic asks for).
 */
import { KUBE_DNS_CLUSTER_IP } from "../addresses";
import type { KubeObject } from "../k8s/types";

export const NAMESPACES = [
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "shop",
  "cache",
  "monitoring",
] as const;

export function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  };
}

interface PortSpec {
  name: string;
  port: number;
  protocol?: "TCP" | "UDP";
  targetPort?: number | string;
}

/** A ClusterIP Service selecting `app: <name>` unless told otherwise. */
export function serviceObject(
  namespace: string,
  name: string,
  clusterIP: string,
  ports: PortSpec[],
  extra: { labels?: Record<string, string>; selector?: Record<string, string> | null } = {},
): KubeObject {
  const selector = extra.selector === null ? undefined : (extra.selector ?? { app: name });
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      type: "ClusterIP",
      clusterIP,
      clusterIPs: [clusterIP],
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      internalTrafficPolicy: "Cluster",
      sessionAffinity: "None",
      ports: ports.map((p) => ({
        name: p.name,
        port: p.port,
        protocol: p.protocol ?? "TCP",
        targetPort: p.targetPort ?? p.port,
      })),
      ...(selector ? { selector } : {}),
    },
    status: { loadBalancer: {} },
  };
}

/** kubernetes.default, kube-dns and the application Services (kube-dns-upstream comes from the addon manifest). */
export function serviceObjects(): KubeObject[] {
  return [
    serviceObject("default", "kubernetes", "10.96.0.1", [{ name: "https", port: 443, targetPort: 6443 }], {
      labels: { component: "apiserver", provider: "kubernetes" },
      selector: null,
    }),
    serviceObject(
      "kube-system",
      "kube-dns",
      KUBE_DNS_CLUSTER_IP,
      [
        { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
        { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
        { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
      ],
      {
        labels: {
          "k8s-app": "kube-dns",
          "kubernetes.io/cluster-service": "true",
          "kubernetes.io/name": "CoreDNS",
        },
        selector: { "k8s-app": "kube-dns" },
      },
    ),
    serviceObject("shop", "api", "10.96.12.34", [{ name: "http", port: 80, targetPort: 8080 }]),
    serviceObject("shop", "web", "10.96.12.35", [{ name: "http", port: 80, targetPort: 3000 }]),
    serviceObject("shop", "db", "10.96.45.6", [{ name: "postgres", port: 5432 }]),
    serviceObject("shop", "payments", "10.96.12.40", [{ name: "grpc", port: 9000 }]),
    serviceObject("cache", "redis", "10.96.78.9", [{ name: "redis", port: 6379 }]),
    serviceObject("cache", "memcached", "10.96.78.10", [{ name: "memcache", port: 11211 }]),
    serviceObject("monitoring", "prometheus", "10.96.90.1", [{ name: "web", port: 9090 }]),
    serviceObject("monitoring", "grafana", "10.96.90.2", [{ name: "http", port: 3000 }]),
  ];
}
