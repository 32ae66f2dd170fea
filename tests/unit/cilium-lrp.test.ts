/**
 * The Cilium Local Redirect Policy layout (seed 003), the pure parts: recognising the mode from the
 * DaemonSet and the Corefile, which redirect policies select the pods, the reachability verdicts in
 * that mode, and which CiliumNetworkPolicies the redirect breaks. The simulator's rendering of the
 * seed's Corefile is checked here too (its server label is CoreDNS's `dns://0.0.0.0:53`).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KUBE_DNS_UPSTREAM_CLUSTER_IP, NODE_RESOLVER_IP, nodeAddresses } from "../../sim/addresses";
import { buildPodConfig, CorednsConfigError } from "../../sim/dns/config";
import { renderCorefile } from "../../sim/dns/corefile-render";
import {
  kubeDnsOnlyNetworkPolicy,
  localRedirectPolicy,
  LRP_NODE_CACHE_ARGS,
  lrpCorefile,
} from "../../sim/objects/cilium";
import type { PodRuntimeSpec } from "../../sim/runtime";
import { policiesAtRisk } from "@/lib/cilium/network-policy";
import {
  policiesSelecting,
  reshapeLocalRedirectPolicy,
  type LocalRedirectPolicy,
} from "@/lib/cilium/redirect-policy";
import { endpointLabels, selects, selectsPeer } from "@/lib/cilium/selector";
import { ciliumPolicyWarning } from "@/lib/config/warnings";
import { corefileBinds, interceptionMode } from "@/lib/coredns/interception";
import { NO_POLICY_NOTE, reachability } from "@/lib/coredns/reachability";
import { localIPsOf } from "@/lib/k8s/reshape";
import { reachedLabel } from "@/components/nodes/reached";
import { FIXTURES_DIR } from "../support/fixtures";

const template = readFileSync(`${FIXTURES_DIR}/Corefile-nodelocaldns-configmap-template.txt`, "utf8");
const iptablesCorefile = template
  .replaceAll("__PILLAR__DNS__DOMAIN__", "cluster.local")
  .replaceAll("__PILLAR__LOCAL__DNS__", "169.254.20.10")
  .replaceAll("__PILLAR__DNS__SERVER__", "10.96.0.10");
/** The seed's Corefile: every block bound broadly, `health :8080` for the liveness probe. */
const lrp = lrpCorefile(template.replaceAll("__PILLAR__DNS__DOMAIN__", "cluster.local"));
const nodeCache = { namespace: "kube-system", labels: { "k8s-app": "node-local-dns" } };
const cacheLabels = endpointLabels("kube-system", { "k8s-app": "node-local-dns" });

describe("the seed's layout is recognised from the DaemonSet and the Corefile", () => {
  it("reads -localip from the seed's args", () => {
    expect(localIPsOf(LRP_NODE_CACHE_ARGS)).toEqual(["0.0.0.0"]);
    expect(localIPsOf(["-localip=169.254.20.10,10.96.0.10"])).toEqual(["169.254.20.10", "10.96.0.10"]);
    expect(localIPsOf(["-conf", "/etc/Corefile"])).toEqual([]);
  });

  it("every block of the seed's Corefile binds 0.0.0.0", () => {
    expect(corefileBinds(lrp, ["0.0.0.0"])).toEqual([["0.0.0.0"], ["0.0.0.0"], ["0.0.0.0"], ["0.0.0.0"]]);
    expect(lrp).toContain("health :8080");
    // __PILLAR__LOCAL__DNS__ left in the ConfigMap is what node-cache's -localip fills in.
    expect(corefileBinds(".:53 {\n    bind __PILLAR__LOCAL__DNS__\n}\n", ["0.0.0.0"])).toEqual([["0.0.0.0"]]);
    expect(corefileBinds(".:53 {\n    cache 30\n}\n", [])).toEqual([[""]]);
    expect(corefileBinds(".:53 {\n", [])).toBeNull();
  });

  it("hostNetwork false + bind-all blocks is the redirect layout", () => {
    expect(interceptionMode({ hostNetwork: false, localIPs: ["0.0.0.0"] }, lrp).mode).toBe("redirect");
    // No bind at all is as broad as bind 0.0.0.0.
    expect(interceptionMode({ hostNetwork: false, localIPs: [] }, ".:53 {\n    cache 30\n}\n").mode).toBe(
      "redirect",
    );
  });

  it("the upstream manifest (hostNetwork true) is not, whatever the Corefile says", () => {
    expect(interceptionMode({ hostNetwork: true, localIPs: ["169.254.20.10"] }, iptablesCorefile).mode).toBe(
      "node-interface",
    );
    expect(interceptionMode({ hostNetwork: true, localIPs: ["0.0.0.0"] }, lrp).mode).toBe("node-interface");
  });

  it("off the host network but binding a specific address is not, and says which", () => {
    const v = interceptionMode({ hostNetwork: false, localIPs: ["0.0.0.0"] }, iptablesCorefile);
    expect(v.mode).toBe("node-interface");
    expect(v.evidence).toMatch(/binds 169\.254\.20\.10, 10\.96\.0\.10/);
  });

  it("with the Corefile unknown, -localip 0.0.0.0 decides", () => {
    expect(interceptionMode({ hostNetwork: false, localIPs: ["0.0.0.0"] }, null).mode).toBe("redirect");
    expect(interceptionMode({ hostNetwork: false, localIPs: ["169.254.20.10"] }, null).mode).toBe(
      "node-interface",
    );
  });
});

describe("the simulated pod serves the seed's Corefile as CoreDNS would", () => {
  const spec: PodRuntimeSpec = {
    namespace: "kube-system",
    podName: "node-local-dns-x",
    nodeName: "node-1",
    addresses: nodeAddresses(24, 0),
    hostNetwork: false,
    corefileBase: lrp,
    corednsVersion: "1.11.3",
    dnsPort: 0,
    metricsPort: 9253,
    healthPort: 8080,
    clusterDns: { virtualIP: KUBE_DNS_UPSTREAM_CLUSTER_IP, host: "127.27.0.2", port: 5353 },
    upstreamResolvers: [{ virtualIP: NODE_RESOLVER_IP, host: "127.27.0.3", port: 5354 }],
    localIPs: ["0.0.0.0"],
  };
  const render = (text: string) =>
    renderCorefile(text, { clusterDnsIP: KUBE_DNS_UPSTREAM_CLUSTER_IP, localIPs: spec.localIPs });

  it("one listener on the pod IP, labelled dns://0.0.0.0:53 (net.JoinHostPort of the bind host)", () => {
    const c = buildPodConfig(spec, render(lrp));
    expect(c.listeners.map((l) => [l.server, l.host, l.blocks.length])).toEqual([
      ["dns://0.0.0.0:53", spec.addresses.podIP, 4],
    ]);
    expect(spec.addresses.podIP).not.toBe(spec.addresses.nodeIP);
  });

  it("without bind the label is dns://:53, on the pod IP too", () => {
    const c = buildPodConfig(spec, render(".:53 {\n    cache 30\n}\n"));
    expect(c.listeners.map((l) => [l.server, l.host])).toEqual([["dns://:53", spec.addresses.podIP]]);
  });

  it("the pod's own network namespace has no link-local address to bind", () => {
    expect(() => buildPodConfig(spec, render(iptablesCorefile))).toThrow(CorednsConfigError);
    expect(() => buildPodConfig(spec, render(iptablesCorefile))).toThrow(/cannot assign requested address/);
  });
});

describe("which CiliumLocalRedirectPolicies redirect to the node-local-dns pods", () => {
  const seed = reshapeLocalRedirectPolicy(localRedirectPolicy())!;

  it("reads the seed's policy: its frontend Service and backend selector", () => {
    expect(seed).toEqual({
      namespace: "kube-system",
      name: "nodelocaldns",
      frontend: "Service kube-system/kube-dns",
      service: { namespace: "kube-system", name: "kube-dns" },
      selector: { matchLabels: { "k8s-app": "node-local-dns" } },
    });
    expect(reshapeLocalRedirectPolicy({ metadata: { name: "x" }, spec: {} })).toBeNull();
  });

  it("selects pods by localEndpointSelector, only in the policy's own namespace", () => {
    expect(policiesSelecting([seed], nodeCache).map((p) => p.name)).toEqual(["nodelocaldns"]);
    expect(policiesSelecting([{ ...seed, namespace: "default" }], nodeCache)).toEqual([]);
    const other: LocalRedirectPolicy = { ...seed, name: "other", selector: { matchLabels: { app: "x" } } };
    expect(policiesSelecting([other], nodeCache)).toEqual([]);
    const byExpression: LocalRedirectPolicy = {
      ...seed,
      name: "expr",
      selector: { matchExpressions: [{ key: "k8s:k8s-app", operator: "In", values: ["node-local-dns"] }] },
    };
    expect(policiesSelecting([byExpression], nodeCache).map((p) => p.name)).toEqual(["expr"]);
  });

  it("selector keys may carry Cilium's k8s:/any: source; other sources never select a pod", () => {
    const labels = endpointLabels("kube-system", { "k8s-app": "kube-dns" });
    expect(selects({ matchLabels: { "k8s:k8s-app": "kube-dns" } }, labels)).toBe(true);
    expect(selects({ matchLabels: { "any:k8s-app": "kube-dns" } }, labels)).toBe(true);
    expect(selects({ matchLabels: { "reserved:host": "" } }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: "k8s-app", operator: "DoesNotExist" }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["x"] }] }, labels)).toBe(
      true,
    );
    expect(selects({}, labels)).toBe(true);
  });

  it("a namespaced policy's peer without a namespace label selects only its own namespace", () => {
    const labels = endpointLabels("kube-system", { "k8s-app": "kube-dns" });
    expect(selectsPeer({ matchLabels: { "k8s-app": "kube-dns" } }, "default", labels)).toBe(false);
    expect(selectsPeer({ matchLabels: { "k8s-app": "kube-dns" } }, "kube-system", labels)).toBe(true);
    expect(
      selectsPeer(
        { matchLabels: { "k8s:io.kubernetes.pod.namespace": "kube-system", "k8s-app": "kube-dns" } },
        "default",
        labels,
      ),
    ).toBe(true);
  });
});

describe("reachability in the redirect layout", () => {
  const policy = { namespace: "kube-system", name: "nodelocaldns", frontend: "Service kube-system/kube-dns" };
  const bindAll = { "dns://0.0.0.0:53": 12 };

  it("queries on the bind-all listener while a policy selects the pod: reached through that policy", () => {
    const r = reachability(bindAll, { kind: "selecting", policies: [policy] });
    expect(r.verdict).toBe("redirected");
    expect(r.redirectPolicy).toEqual(policy);
    expect(r.byAddress).toEqual([
      {
        server: "dns://0.0.0.0:53",
        address: "0.0.0.0",
        linkLocal: false,
        bindAll: true,
        queriesPerSecond: 12,
      },
    ]);
    expect(reachedLabel({ reachability: r.verdict, redirectPolicy: "kube-system/nodelocaldns" })).toBe(
      "via kube-system/nodelocaldns",
    );
  });

  it("no policy is the warning that says what to create, with or without traffic", () => {
    for (const rates of [bindAll, { "dns://0.0.0.0:53": 0 }]) {
      const r = reachability(rates, { kind: "selecting", policies: [] });
      expect(r.verdict).toBe("no-redirect-policy");
      expect(r.note).toBe(NO_POLICY_NOTE);
    }
    expect(NO_POLICY_NOTE).toMatch(/serviceMatcher on kube-dns.*localEndpointSelector/);
  });

  it("policies that cannot be read leave it unverified, with the reason", () => {
    const r = reachability(bindAll, { kind: "unreadable", message: "may not read (403)" });
    expect(r.verdict).toBe("redirect-unverified");
    expect(r.note).toBe("may not read (403)");
  });

  it("a policy but no queries is still no traffic", () => {
    expect(reachability({ "dns://0.0.0.0:53": 0 }, { kind: "selecting", policies: [policy] }).verdict).toBe(
      "no-traffic",
    );
  });

  it("outside the layout, dns://0.0.0.0:53 is not the kube-dns address (it was counted as one)", () => {
    const r = reachability(bindAll);
    expect(r.verdict).toBe("other");
    expect(r.clusterIpShare).toBe(0);
    expect(reachability({ "dns://:53": 3 }).verdict).toBe("other");
  });
});

describe("CiliumNetworkPolicies the redirect breaks", () => {
  const cnp = (name: string, egress: unknown[], namespace = "default") => ({
    metadata: { name, namespace },
    spec: { endpointSelector: {}, egress },
  });
  const peer = (app: string, ns: string | null = "kube-system") => ({
    matchLabels: { ...(ns ? { "k8s:io.kubernetes.pod.namespace": ns } : {}), "k8s:k8s-app": app },
  });
  const dns = { toPorts: [{ ports: [{ port: "53", protocol: "ANY" }] }] };

  it("the seed's kube-dns-only policy is at risk; the seed's fix is not", () => {
    const fixed = cnp("fixed", [{ toEndpoints: [peer("kube-dns"), peer("node-local-dns")], ...dns }]);
    expect(policiesAtRisk([kubeDnsOnlyNetworkPolicy(), fixed], cacheLabels)).toEqual([
      { namespace: "default", name: "dns-client-egress" },
    ]);
  });

  it("node-local-dns allowed in another egress rule of the same policy is enough", () => {
    const split = cnp("split", [
      { toEndpoints: [peer("kube-dns")], ...dns },
      { toEndpoints: [peer("node-local-dns")], toPorts: [{ ports: [{ port: "53", protocol: "UDP" }] }] },
    ]);
    expect(policiesAtRisk([split], cacheLabels)).toEqual([]);
  });

  it("only rules that allow port 53 count: a range, every port, or no toPorts at all", () => {
    const onlyHttps = cnp("https", [
      { toEndpoints: [peer("kube-dns")], ...dns },
      { toEndpoints: [peer("node-local-dns")], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] },
    ]);
    const range = cnp("range", [
      { toEndpoints: [peer("kube-dns")], ...dns },
      { toEndpoints: [peer("node-local-dns")], toPorts: [{ ports: [{ port: "50", endPort: 60 }] }] },
    ]);
    const anyPort = cnp("any", [{ toEndpoints: [peer("kube-dns")] }]);
    const sctp = cnp("sctp", [
      { toEndpoints: [peer("kube-dns")], toPorts: [{ ports: [{ port: "53", protocol: "SCTP" }] }] },
    ]);
    expect(policiesAtRisk([onlyHttps, range, anyPort, sctp], cacheLabels).map((p) => p.name)).toEqual([
      "any",
      "https",
    ]);
  });

  it("a peer without a namespace selects the policy's own namespace, so it reaches neither", () => {
    expect(
      policiesAtRisk([cnp("no-ns", [{ toEndpoints: [peer("kube-dns", null)], ...dns }])], cacheLabels),
    ).toEqual([]);
    expect(
      policiesAtRisk(
        [cnp("in-ks", [{ toEndpoints: [peer("kube-dns", null)], ...dns }], "kube-system")],
        cacheLabels,
      ),
    ).toEqual([{ namespace: "kube-system", name: "in-ks" }]);
  });

  it("an empty selector allows every endpoint, the cache included", () => {
    expect(policiesAtRisk([cnp("all", [{ toEndpoints: [{}], ...dns }])], cacheLabels)).toEqual([]);
  });

  it("the Config page's warning names them, says the fix, or says why it cannot name them", () => {
    const named = ciliumPolicyWarning({ kind: "listed", atRisk: [{ namespace: "default", name: "a" }] });
    expect(named?.policies).toEqual(["default/a"]);
    expect(named?.message).toMatch(/At risk now: default\/a\. Add a second toEndpoints selector/);
    expect(ciliumPolicyWarning({ kind: "listed", atRisk: [] })).toBeNull();
    const unreadable = ciliumPolicyWarning({
      kind: "unreadable",
      message: "the dashboard may not list them",
    });
    expect(unreadable?.policies).toBeUndefined();
    expect(unreadable?.message).toMatch(/cannot name the policies at risk: the dashboard may not list them/);
    expect(ciliumPolicyWarning({ kind: "not-asked" })?.message).toMatch(/k8s:k8s-app: node-local-dns/);
  });
});
