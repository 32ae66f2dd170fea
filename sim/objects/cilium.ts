/**
 * The Cilium Local Redirect Policy layout of seed 003 (../shared/seeds/003_*.txt): node-local-dns off
 * the host network (`hostNetwork: false`, its own pod IP), node-cache told to set up nothing
 * (`-localip 0.0.0.0 -skipteardown=true -setupinterface=false -setupiptables=false`), every server
 * block bound broadly (`bind 0.0.0.0`, `health :8080` for the liveness probe), and a
 * CiliumLocalRedirectPolicy that sends pods' kube-dns traffic to the pod on their node. Plus the seed's
 * "gotcha": a CiliumNetworkPolicy that allows DNS egress only to `k8s-app: kube-dns`, which drops the
 * redirected queries of the pods it selects.
 */
import type { KubeObject } from "../k8s/types";
import { addonObjects } from "./addon";

/** How node-local-dns is wired into the cluster: the upstream manifest, or seed 003's Cilium LRP. */
export type SimMode = "iptables" | "cilium-lrp";
export const SIM_MODES: readonly SimMode[] = ["iptables", "cilium-lrp"];

/** `--mode cilium-lrp`; throws naming the known modes. */
export function parseSimMode(value: string | undefined): SimMode {
  if (value === undefined) return "iptables";
  if ((SIM_MODES as readonly string[]).includes(value)) return value as SimMode;
  throw new Error(`--mode: unknown mode "${value}"; choose from ${SIM_MODES.join(", ")}`);
}

/** The DaemonSet args of the seed, in its order. */
export const LRP_NODE_CACHE_ARGS = [
  "-localip",
  "0.0.0.0",
  "-conf",
  "/etc/Corefile",
  "-upstreamsvc",
  "kube-dns-upstream",
  "-skipteardown=true",
  "-setupinterface=false",
  "-setupiptables=false",
];

/** The upstream Corefile with every block bound broadly, as the seed asks ("bind broadly", "health :8080"). */
export function lrpCorefile(upstream: string): string {
  return upstream
    .replace(/^(\s*)bind .*$/gm, "$1bind 0.0.0.0")
    .replace(/^(\s*)health \S*:8080$/gm, "$1health :8080");
}

interface PodTemplate {
  metadata?: { annotations?: Record<string, string> };
  spec: {
    hostNetwork?: boolean;
    dnsPolicy?: string;
    containers: {
      args?: string[];
      ports?: unknown[];
      livenessProbe?: unknown;
      securityContext?: unknown;
      volumeMounts?: { name: string }[];
    }[];
    volumes?: { name: string }[];
  };
}

/** The addon objects rewritten to the seed's DaemonSet and ConfigMap. */
export function lrpAddonObjects(): KubeObject[] {
  return addonObjects().map((obj) => {
    if (obj.kind === "ConfigMap" && obj.metadata.name === "node-local-dns") {
      const data = obj.data as Record<string, string>;
      return { ...obj, data: { ...data, Corefile: lrpCorefile(data.Corefile ?? "") } };
    }
    if (obj.kind !== "DaemonSet") return obj;
    const spec = structuredClone(obj.spec) as { template: PodTemplate };
    const t = spec.template;
    t.metadata = {
      ...t.metadata,
      annotations: { ...t.metadata?.annotations, "policy.cilium.io/no-track-port": "53" },
    };
    // Keep hostNetwork off so the pod does not take the node's :53 (the seed's "IMPORTANT").
    t.spec.hostNetwork = false;
    t.spec.dnsPolicy = "ClusterFirst";
    const c = t.spec.containers[0]!;
    c.args = [...LRP_NODE_CACHE_ARGS];
    // No interface or iptables to set up: no NET_ADMIN, no xtables lock; the probe goes to the pod IP.
    delete c.securityContext;
    c.livenessProbe = {
      httpGet: { path: "/health", port: 8080 },
      initialDelaySeconds: 60,
      timeoutSeconds: 5,
    };
    c.volumeMounts = (c.volumeMounts ?? []).filter((m) => m.name !== "xtables-lock");
    t.spec.volumes = (t.spec.volumes ?? []).filter((v) => v.name !== "xtables-lock");
    return { ...obj, spec };
  });
}

/** The seed's CiliumLocalRedirectPolicy, verbatim. */
export function localRedirectPolicy(): KubeObject {
  return {
    apiVersion: "cilium.io/v2",
    kind: "CiliumLocalRedirectPolicy",
    metadata: { name: "nodelocaldns", namespace: "kube-system" },
    spec: {
      redirectFrontend: { serviceMatcher: { serviceName: "kube-dns", namespace: "kube-system" } },
      redirectBackend: {
        localEndpointSelector: { matchLabels: { "k8s-app": "node-local-dns" } },
        toPorts: [
          { port: "53", name: "dns", protocol: "UDP" },
          { port: "53", name: "dns-tcp", protocol: "TCP" },
        ],
      },
    },
  };
}

/** The seed's repro policy: DNS egress allowed to kube-dns only, so redirected queries are denied. */
export function kubeDnsOnlyNetworkPolicy(): KubeObject {
  return {
    apiVersion: "cilium.io/v2",
    kind: "CiliumNetworkPolicy",
    metadata: { name: "dns-client-egress", namespace: "default" },
    spec: {
      endpointSelector: { matchLabels: { app: "dns-client" } },
      egress: [
        {
          toEndpoints: [
            {
              matchLabels: {
                "k8s:io.kubernetes.pod.namespace": "kube-system",
                "k8s:k8s-app": "kube-dns",
              },
            },
          ],
          toPorts: [{ ports: [{ port: "53", protocol: "ANY" }], rules: { dns: [{ matchPattern: "*" }] } }],
        },
        { toFQDNs: [{ matchName: "github.com" }], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] },
      ],
    },
  };
}
