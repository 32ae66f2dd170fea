/**
 * Simulated client traffic against two simulated node-local-dns pods of different CoreDNS versions:
 * the shape /metrics shows is that of an iptables-mode node (both server labels, NXDOMAIN-heavy from
 * the search path, cache hits).
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  KUBE_DNS_UPSTREAM_CLUSTER_IP,
  NODE_RESOLVER_IP,
  nodeAddresses,
  upstreamHosts,
} from "../../sim/addresses";
import type { CorednsVersion } from "../../sim/runtime";
import { startNodeLocalDnsPod, type NodeLocalDnsPod } from "../../sim/dns/pod";
import { clientPodAddresses, startTraffic, type Traffic } from "../../sim/dns/traffic";
import {
  startClusterDns,
  startExternalResolver,
  type SimClusterDns,
  type SimUpstream,
} from "../../sim/dns/upstream";
import { waitFor } from "../support/ports";
import { FIXTURES_DIR as FIXTURES } from "../support/fixtures";

const base = readFileSync(`${FIXTURES}/Corefile-nodelocaldns-configmap-template.txt`, "utf8")
  .replaceAll("__PILLAR__DNS__DOMAIN__", "cluster.local")
  .replaceAll("__PILLAR__LOCAL__DNS__", "169.254.20.10")
  .replaceAll("__PILLAR__DNS__SERVER__", "10.96.0.10");

let clusterDns: SimClusterDns;
let resolver: SimUpstream;
const pods: NodeLocalDnsPod[] = [];
let traffic: Traffic | undefined;

/** mulberry32: a seeded random source, so the traffic mix is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function scrape(p: NodeLocalDnsPod): Promise<string> {
  const m = p.metricsEndpoint()!;
  return (await fetch(`http://${m.host}:${m.port}/metrics`)).text();
}

function total(text: string, re: RegExp): number {
  return text
    .split("\n")
    .filter((l) => re.test(l))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

beforeAll(async () => {
  const up = upstreamHosts(60);
  clusterDns = await startClusterDns({
    host: up.clusterDns,
    port: 0,
    services: [
      { name: "kubernetes", namespace: "default", clusterIP: "10.96.0.1" },
      { name: "kube-dns", namespace: "kube-system", clusterIP: "10.96.0.10" },
      { name: "api", namespace: "shop", clusterIP: "10.96.12.34" },
    ],
  });
  resolver = await startExternalResolver({ host: up.externalResolver, port: 0, latencyMs: 2 });
  const versions: CorednsVersion[] = ["1.7.0", "1.11.3"];
  for (const [i, version] of versions.entries()) {
    const p = startNodeLocalDnsPod({
      namespace: "kube-system",
      podName: `node-local-dns-traffic${i}`,
      nodeName: `node-t${i}`,
      addresses: nodeAddresses(60, 20 + i),
      // The newer node has `log` on its cluster block, to show which clients asked.
      corefileBase:
        i === 1
          ? base.replace("cluster.local:53 {\n    errors", "cluster.local:53 {\n    log\n    errors")
          : base,
      corednsVersion: version,
      dnsPort: 0,
      metricsPort: 19270 + i,
      healthPort: 18090 + i,
      clusterDns: { virtualIP: KUBE_DNS_UPSTREAM_CLUSTER_IP, host: clusterDns.host, port: clusterDns.port },
      upstreamResolvers: [{ virtualIP: NODE_RESOLVER_IP, host: resolver.host, port: resolver.port }],
      localIPs: ["169.254.20.10", "10.96.0.10"],
    });
    pods.push(p);
    await p.started;
  }
});

afterAll(async () => {
  await traffic?.stop();
  await Promise.all(pods.map((p) => p.stop()));
  await clusterDns?.stop();
  await resolver?.stop();
});

describe("simulated client traffic", () => {
  it("drives both nodes through both addresses, with search-path NXDOMAINs and cache hits", async () => {
    const targets = pods.map((p) => {
      const ep = (ip: string) => p.dnsEndpoints().find((e) => e.virtualIP === ip && e.proto === "udp")!;
      return {
        nodeName: p.spec.nodeName,
        linkLocal: ep("169.254.20.10"),
        kubeDns: ep("10.96.0.10"),
        clientIPs: clientPodAddresses(60, 20 + pods.indexOf(p), 4),
      };
    });
    traffic = startTraffic({
      targets,
      qps: 100,
      services: [{ name: "api", namespace: "shop" }],
      linkLocalShare: 0.3,
      tcpShare: 0.3,
      rng: seeded(7),
    });
    await waitFor("300 queries", () => (traffic!.sent() >= 300 ? true : undefined), 20_000, 50);
    await traffic.stop();
    expect(traffic.failed()).toBe(0);

    const v170 = await scrape(pods[0]!);
    expect(v170).toContain('coredns_build_info{goversion="go1.19.8",revision="",version="1.7.0"} 1');
    const v1113 = await scrape(pods[1]!);
    for (const text of [v170, v1113]) {
      expect(total(text, /^coredns_dns_requests_total\{.*server="dns:\/\/10\.96\.0\.10:53"/)).toBeGreaterThan(
        0,
      );
      expect(
        total(text, /^coredns_dns_requests_total\{.*server="dns:\/\/169\.254\.20\.10:53"/),
      ).toBeGreaterThan(0);
      expect(total(text, /^coredns_dns_requests_total\{.*proto="tcp"/)).toBeGreaterThan(0);
      const nx = total(text, /^coredns_dns_responses_total\{.*rcode="NXDOMAIN"/);
      const ok = total(text, /^coredns_dns_responses_total\{.*rcode="NOERROR"/);
      expect(nx).toBeGreaterThan(ok); // ndots:5: most queries are search-path misses
      expect(total(text, /^coredns_cache_hits_total\{/)).toBeGreaterThan(0);
    }
    // 1.11.3 moved forward's per-upstream metrics to coredns_proxy_*.
    expect(v1113).toMatch(
      /coredns_proxy_request_duration_seconds_count\{proxy_name="forward",rcode="NXDOMAIN",to="10\.96\.0\.11:53"\} \d+/,
    );
    // Both nodes' caches together answered at least the queries sent (plus the loop probes).
    const requests =
      total(v170, /^coredns_dns_requests_total\{/) + total(v1113, /^coredns_dns_requests_total\{/);
    expect(requests).toBeGreaterThanOrEqual(traffic.sent());
  });

  it("queries come from the client pods' addresses, as the log plugin shows", () => {
    const remotes = new Set(
      pods[1]!.log
        .entries()
        .map((e) => /^\[INFO\] ([\d.]+):\d+ - \d+ "/.exec(e.text)?.[1])
        .filter((ip): ip is string => ip !== undefined && ip !== "127.0.0.1"), // 127.0.0.1: the loop probe
    );
    expect(remotes.size).toBeGreaterThanOrEqual(2);
    for (const ip of remotes) expect(clientPodAddresses(60, 21, 4)).toContain(ip);
  });

  it("logs MD5 for the reload plugin on CoreDNS 1.7.0 and SHA512 later", () => {
    expect(
      pods[0]!.log
        .entries()
        .some((e) => /^\[INFO\] plugin\/reload: Running configuration MD5 = [0-9a-f]{32}$/.test(e.text)),
    ).toBe(true);
    expect(
      pods[1]!.log
        .entries()
        .some((e) => /^\[INFO\] plugin\/reload: Running configuration SHA512 = [0-9a-f]{128}$/.test(e.text)),
    ).toBe(true);
  });
});
