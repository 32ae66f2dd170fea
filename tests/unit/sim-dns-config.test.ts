import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KUBE_DNS_UPSTREAM_CLUSTER_IP, NODE_RESOLVER_IP, nodeAddresses } from "../../sim/addresses";
import type { PodRuntimeSpec } from "../../sim/runtime";
import { buildPodConfig, CorednsConfigError, routeQuery } from "../../sim/dns/config";
import { renderCorefile } from "../../sim/dns/corefile-render";
import { formatLogTemplate } from "../../sim/dns/log-format";
import { buildQuery, RRType } from "../../sim/dns/wire";

const template = readFileSync(
  "/work/shared/fixtures/coredns/Corefile-nodelocaldns-configmap-template.txt",
  "utf8",
);
const iptablesMode = template
  .replaceAll("__PILLAR__DNS__DOMAIN__", "cluster.local")
  .replaceAll("__PILLAR__LOCAL__DNS__", "169.254.20.10")
  .replaceAll("__PILLAR__DNS__SERVER__", "10.96.0.10");

const spec: PodRuntimeSpec = {
  namespace: "kube-system",
  podName: "node-local-dns-x",
  nodeName: "node-1",
  addresses: nodeAddresses(60, 0),
  corefileBase: iptablesMode,
  corednsVersion: "1.10.0",
  dnsPort: 0,
  metricsPort: 9253,
  healthPort: 8080,
  clusterDns: { virtualIP: KUBE_DNS_UPSTREAM_CLUSTER_IP, host: "127.63.0.2", port: 5353 },
  upstreamResolvers: [{ virtualIP: NODE_RESOLVER_IP, host: "127.63.0.3", port: 5354 }],
  localIPs: ["169.254.20.10", "10.96.0.10"],
};

const config = (corefile: string) =>
  buildPodConfig(
    spec,
    renderCorefile(corefile, { clusterDnsIP: KUBE_DNS_UPSTREAM_CLUSTER_IP, localIPs: spec.localIPs }),
  );

describe("the pod's view of its Corefile", () => {
  it("listens per bind address on the loopback stand-ins, labelled with the virtual address", () => {
    const c = config(iptablesMode);
    expect(c.listeners.map((l) => [l.server, l.host, l.blocks.length])).toEqual([
      ["dns://169.254.20.10:53", spec.addresses.linkLocal, 4],
      ["dns://10.96.0.10:53", spec.addresses.kubeDns, 4],
    ]);
    expect(c.metrics && c.health && c.reload).toBe(true);
  });

  it("IPVS mode binds only the link-local address", () => {
    const ipvs = template
      .replaceAll("__PILLAR__DNS__DOMAIN__", "cluster.local")
      .replaceAll("__PILLAR__LOCAL__DNS__", "169.254.20.10")
      .replaceAll(" __PILLAR__DNS__SERVER__", "");
    expect(config(ipvs).listeners.map((l) => l.server)).toEqual(["dns://169.254.20.10:53"]);
  });

  it("maps forward targets to the simulated upstreams, keeping the cluster addresses as `to` labels", () => {
    const l = config(iptablesMode).listeners[0]!;
    const cluster = routeQuery(l, "kubernetes.default.svc.cluster.local.")!;
    expect(cluster.zone).toBe("cluster.local.");
    expect(cluster.block.forward).toEqual({
      from: ".",
      forceTcp: true,
      to: [{ label: "10.96.0.11:53", host: "127.63.0.2", port: 5353 }],
    });
    expect(cluster.block.cache?.config.success).toEqual({ capacity: 9984, maxTtl: 30, minTtl: 5 });
    expect(cluster.block.cache?.config.denial).toEqual({ capacity: 9984, maxTtl: 5, minTtl: 5 });
    const ext = routeQuery(l, "example.com.")!;
    expect(ext.zone).toBe(".");
    expect(ext.block.forward?.to).toEqual([{ label: "10.0.0.2:53", host: "127.63.0.3", port: 5354 }]);
    expect(ext.block.forward?.forceTcp).toBe(false);
    expect(routeQuery(l, "4.3.2.10.in-addr.arpa.")?.zone).toBe("in-addr.arpa.");
    expect(ext.block.handlers).toEqual(["prometheus", "errors", "cache", "loop", "forward"]);
  });

  it("reads `log` rules: names, custom format, classes", () => {
    const withLog = iptablesMode.replace(
      ".:53 {\n    errors",
      '.:53 {\n    log example.org "{proto} Request: {name} {type} {>id}"\n    log . {\n        class denial error\n    }\n    errors',
    );
    const block = routeQuery(config(withLog).listeners[0]!, "example.com.")!.block;
    expect(block.log.map((r) => [r.names, r.format, [...r.classes]])).toEqual([
      [["example.org."], "{proto} Request: {name} {type} {>id}", ["all"]],
      [["."], expect.stringContaining("{remote}:{port}"), ["denial", "error"]],
    ]);
    const req = buildQuery({ id: 7, name: "example.org.", type: RRType.A });
    const fields = {
      remoteIP: "10.244.1.5",
      remotePort: 1,
      localIP: "10.96.0.10",
      request: req,
      proto: "udp" as const,
      requestSize: 29,
      bufsize: 512,
      response: null,
      responseSize: 0,
      durationNanos: 1,
      legacyEmptyRcode: false,
    };
    expect(formatLogTemplate(block.log[0]!.format, fields)).toBe("[INFO] udp Request: example.org. A 7");
    expect(formatLogTemplate("{combined} {local} {nope}", fields)).toMatch(
      / - - 0 0\.000000001s "QUERY" 10\.96\.0\.10 -$/,
    );
  });

  it("refuses what CoreDNS refuses, with CoreDNS's message", () => {
    expect(() => config(iptablesMode.replace("cache 30", "cache 0"))).toThrow(
      new CorednsConfigError("plugin/cache: cache TTL can not be zero or negative: 0"),
    );
    expect(() => config(iptablesMode.replace("    loop\n", "    kubernetes cluster.local\n"))).toThrow(
      /kubernetes/,
    );
    expect(() => config(iptablesMode.replace("bind 169.254.20.10", "bind 192.0.2.1"))).toThrow(
      "listen udp 192.0.2.1:53: bind: cannot assign requested address",
    );
  });
});

describe("the simulated pod refuses exactly what its CoreDNS version refuses (issue 16)", () => {
  const on = (corednsVersion: PodRuntimeSpec["corednsVersion"], corefile: string) => () =>
    buildPodConfig(
      { ...spec, corednsVersion },
      renderCorefile(corefile, { clusterDnsIP: KUBE_DNS_UPSTREAM_CLUSTER_IP, localIPs: spec.localIPs }),
    );
  const withCacheLine = (line: string) =>
    iptablesMode.replace(
      "            denial 9984 5\n",
      `            denial 9984 5\n            serve_stale 1h\n            ${line}\n`,
    );

  it("1.13.1 exits on serve_stale_policy (first in v1.14.7's cacheParse) with CoreDNS's text", () => {
    expect(on("1.13.1", withCacheLine("serve_stale_policy prefer_positive"))).toThrow(
      "plugin/cache: /etc/Corefile:7 - Error during parsing: Wrong argument count or unexpected line ending after 'serve_stale_policy'",
    );
  });

  it("starts with a stray '}' on the last line, as CoreDNS does (only the dashboard refuses it)", () => {
    expect(on("1.13.1", `${iptablesMode}}\n`)).not.toThrow();
  });

  it.each(["1.12.2", "1.13.1"] as const)("%s exits on `bufsize 100` and on `forward . notanip`", (v) => {
    expect(on(v, iptablesMode.replace("    reload\n", "    bufsize 100\n    reload\n"))).toThrow(
      /^plugin\/bufsize: \/etc\/Corefile:\d+ - Error during parsing: Wrong argument count or unexpected line ending after '100'$/,
    );
    expect(
      on(v, iptablesMode.replace("forward . __PILLAR__UPSTREAM__SERVERS__", "forward . notanip")),
    ).toThrow('plugin/forward: not an IP address or file: "notanip"');
  });
});
