/**
 * The simulated node-local-dns pod against the simulated upstreams, over real UDP/TCP on loopback:
 * answers, cache hits visible in /metrics, CoreDNS's log lines, exit on a bad Corefile, failed reload.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  KUBE_DNS_UPSTREAM_CLUSTER_IP,
  NODE_RESOLVER_IP,
  nodeAddresses,
  upstreamHosts,
} from "../../sim/addresses";
import type { PodRuntimeSpec } from "../../sim/runtime";
import { queryOnce } from "../../sim/dns/client";
import { startNodeLocalDnsPod, type NodeLocalDnsPod } from "../../sim/dns/pod";
import {
  startClusterDns,
  startExternalResolver,
  type SimClusterDns,
  type SimUpstream,
} from "../../sim/dns/upstream";
import { waitFor } from "../support/ports";
import { FIXTURES_DIR as FIXTURES } from "../support/fixtures";
import { digTool } from "../support/tools";

const digBin = digTool();
const DIG = digBin.path;
/** coredns-facts.md §3.1: the default (common) log format, every version. */
const LOG_LINE =
  /^\[INFO\] (?<remote>\[[^\]]+\]|[^:\s]+):(?<port>\d+) - (?<id>\d+) "(?<type>\S+) (?<class>\S+) (?<name>\S+) (?<proto>\S+) (?<size>\d+) (?<do>true|false|-) (?<bufsize>\d+|-)" (?<rcode>\S+) (?<rflags>\S+) (?<rsize>\d+) (?<duration>[\d.]+s)$/;

/** The manifest's ConfigMap after the documented sed step, with `log` in the cluster and `.` blocks. */
function corefileBase(): string {
  return readFileSync(`${FIXTURES}/Corefile-nodelocaldns-configmap-template.txt`, "utf8")
    .replaceAll("__PILLAR__DNS__DOMAIN__", "cluster.local")
    .replaceAll("__PILLAR__LOCAL__DNS__", "169.254.20.10")
    .replaceAll("__PILLAR__DNS__SERVER__", "10.96.0.10")
    .replace("cluster.local:53 {\n    errors", "cluster.local:53 {\n    log\n    errors")
    .replace(".:53 {\n    errors", ".:53 {\n    log\n    errors");
}

const up = upstreamHosts(60);
let clusterDns: SimClusterDns;
let resolver: SimUpstream;
let pod: NodeLocalDnsPod;
const started: NodeLocalDnsPod[] = [];

function spec(index: number, corefile: string, metricsPort: number): PodRuntimeSpec {
  return {
    namespace: "kube-system",
    podName: `node-local-dns-t${index}`,
    nodeName: `node-${index}`,
    addresses: nodeAddresses(60, index),
    corefileBase: corefile,
    corednsVersion: "1.10.0",
    dnsPort: 0,
    metricsPort,
    healthPort: 18080 + index,
    clusterDns: { virtualIP: KUBE_DNS_UPSTREAM_CLUSTER_IP, host: clusterDns.host, port: clusterDns.port },
    upstreamResolvers: [{ virtualIP: NODE_RESOLVER_IP, host: resolver.host, port: resolver.port }],
    localIPs: ["169.254.20.10", "10.96.0.10"],
  };
}

function startPod(s: PodRuntimeSpec): NodeLocalDnsPod {
  const p = startNodeLocalDnsPod(s, { configCheckMs: 50, reloadMs: 50 });
  started.push(p);
  return p;
}

function kubeDnsEndpoint(p: NodeLocalDnsPod, proto: "udp" | "tcp" = "udp") {
  const ep = p.dnsEndpoints().find((e) => e.virtualIP === "10.96.0.10" && e.proto === proto);
  if (!ep) throw new Error("pod has no 10.96.0.10 listener");
  return ep;
}

async function metrics(p: NodeLocalDnsPod): Promise<string> {
  const m = p.metricsEndpoint()!;
  const res = await fetch(`http://${m.host}:${m.port}/metrics`);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return res.text();
}

function sample(text: string, prefix: string): number {
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

const logText = (p: NodeLocalDnsPod) => p.log.entries().map((e) => e.text);

beforeAll(async () => {
  clusterDns = await startClusterDns({
    host: up.clusterDns,
    port: 0,
    domain: "cluster.local",
    services: [
      { name: "kubernetes", namespace: "default", clusterIP: "10.96.0.1" },
      { name: "api", namespace: "shop", clusterIP: "10.96.12.34" },
    ],
  });
  resolver = await startExternalResolver({ host: up.externalResolver, port: 0 });
  pod = startPod(spec(0, corefileBase(), 19253));
  await pod.started;
});

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await clusterDns?.stop();
  await resolver?.stop();
});

describe("simulated node-local-dns pod", () => {
  it("starts like node-cache: rendered Corefile, one listener line per zone and address, banner", () => {
    const lines = logText(pod);
    expect(lines[0]).toMatch(
      /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[INFO\] Starting node-cache image: 1\.22\.28$/,
    );
    expect(lines).toContain("    forward . 10.96.0.11 {");
    expect(lines).toContain("    forward . /etc/resolv.conf");
    expect(lines).toContain("cluster.local.:53 on 169.254.20.10");
    expect(lines).toContain(".:53 on 10.96.0.10");
    expect(
      lines.some((l) => /^\[INFO\] plugin\/reload: Running configuration SHA512 = [0-9a-f]{128}$/.test(l)),
    ).toBe(true);
    expect(lines).toContain("CoreDNS-1.10.0");
    expect(lines).toContain("linux/amd64, go1.19.8, ");
    expect(pod.state().phase).toBe("running");
  });

  it("answers a cluster name over UDP and an external name over TCP", async () => {
    const udp = kubeDnsEndpoint(pod, "udp");
    const a = await queryOnce({
      host: udp.host,
      port: udp.port,
      name: "api.shop.svc.cluster.local",
      type: "A",
      proto: "udp",
    });
    expect(a.rcode).toBe("NOERROR");
    expect(a.message.aa).toBe(true);
    expect(a.message.answers.map((r) => r.data)).toEqual([{ kind: "A", address: "10.96.12.34" }]);
    const tcp = kubeDnsEndpoint(pod, "tcp");
    const ext = await queryOnce({
      host: tcp.host,
      port: tcp.port,
      name: "registry.k8s.io",
      type: "AAAA",
      proto: "tcp",
    });
    expect(ext.rcode).toBe("NOERROR");
    expect(ext.message.ra).toBe(true);
    expect(ext.message.answers[0]?.data).toEqual({ kind: "AAAA", address: "2600:1901:0:bbc4::" });
    expect(ext.message.answers[0]?.ttl).toBe(30); // `cache 30` caps what the client sees
    const ptr = await queryOnce({
      host: udp.host,
      port: udp.port,
      name: "34.12.96.10.in-addr.arpa",
      type: "PTR",
    });
    expect(ptr.message.answers[0]?.data).toEqual({ kind: "PTR", target: "api.shop.svc.cluster.local." });
  });

  it("serves the second identical query from the cache, and /metrics counts the hit", async () => {
    const ep = kubeDnsEndpoint(pod);
    const hits =
      'coredns_cache_hits_total{server="dns://10.96.0.10:53",type="success",view="",zones="cluster.local."}';
    const before = sample(await metrics(pod), hits);
    const first = await queryOnce({
      host: ep.host,
      port: ep.port,
      name: "kubernetes.default.svc.cluster.local",
      type: "A",
    });
    const second = await queryOnce({
      host: ep.host,
      port: ep.port,
      name: "kubernetes.default.svc.cluster.local",
      type: "A",
    });
    expect(second.message.answers).toEqual(first.message.answers);
    const text = await metrics(pod);
    expect(sample(text, hits)).toBe(before + 1);
    expect(
      sample(
        text,
        'coredns_cache_entries{server="dns://10.96.0.10:53",type="success",view="",zones="cluster.local."}',
      ),
    ).toBeGreaterThanOrEqual(2);
    expect(text).toContain(
      'coredns_dns_requests_total{family="1",proto="udp",server="dns://10.96.0.10:53",type="A",view="",zone="cluster.local."}',
    );
    expect(text).toMatch(/coredns_forward_requests_total\{to="10\.96\.0\.11:53"\} \d+/);
  });

  it("answers NXDOMAIN for a search-path expansion, with the SOA for the negative cache", async () => {
    const ep = kubeDnsEndpoint(pod);
    const r = await queryOnce({
      host: ep.host,
      port: ep.port,
      name: "example.com.default.svc.cluster.local",
      type: "A",
    });
    expect(r.rcode).toBe("NXDOMAIN");
    expect(r.message.authorities[0]?.data.kind).toBe("SOA");
    const text = await metrics(pod);
    expect(
      sample(
        text,
        'coredns_dns_responses_total{plugin="cache",rcode="NXDOMAIN",server="dns://10.96.0.10:53",view="",zone="cluster.local."}',
      ),
    ).toBeGreaterThanOrEqual(1);
  });

  it("logs every query of a block with `log` in CoreDNS's common format", async () => {
    const ep = pod.dnsEndpoints().find((e) => e.virtualIP === "169.254.20.10" && e.proto === "udp")!;
    await queryOnce({
      host: ep.host,
      port: ep.port,
      name: "example.com",
      type: "A",
      edns: { udpSize: 1232, do: true },
    });
    const queryLines = logText(pod).filter((l) => l.startsWith("[INFO] 127."));
    expect(queryLines.length).toBeGreaterThanOrEqual(5);
    for (const l of queryLines) expect(l).toMatch(LOG_LINE);
    expect(
      queryLines.some((l) => / "A IN example\.com\. udp 40 true 1232" NOERROR qr,rd,ra \d+ [\d.]+s$/.test(l)),
    ).toBe(true);
    // The in-addr.arpa block has no `log`: its PTR query is not logged.
    expect(queryLines.some((l) => l.includes("in-addr.arpa"))).toBe(false);
  });

  it("serves /health with 200 OK", async () => {
    const h = pod.healthEndpoint()!;
    expect(h.host).toBe(nodeAddresses(60, 0).linkLocal);
    const res = await fetch(`http://${h.host}:${h.port}/health`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("OK");
  });

  it.skipIf(digBin.skip)(
    "answers dig (skipped when dig is missing, except under CI; scripts/test.sh installs dnsutils)",
    async () => {
      digBin.require();
      const ep = kubeDnsEndpoint(pod);
      const { stdout } = await promisify(execFile)(DIG, [
        `@${ep.host}`,
        "-p",
        String(ep.port),
        "kubernetes.default.svc.cluster.local",
        "A",
        "+tries=1",
        "+time=3",
      ]);
      expect(stdout).toContain("status: NOERROR");
      expect(stdout).toMatch(/kubernetes\.default\.svc\.cluster\.local\.\s+\d+\s+IN\s+A\s+10\.96\.0\.1/);
      const { stdout: tcp } = await promisify(execFile)(DIG, [
        `@${ep.host}`,
        "-p",
        String(ep.port),
        "+tcp",
        "nonexistent.invalid",
        "A",
        "+tries=1",
        "+time=3",
      ]);
      expect(tcp).toContain("status: NXDOMAIN");
    },
  );

  it("exits with code 1 and CoreDNS's error when the Corefile is invalid", async () => {
    const bad = startPod(spec(1, corefileBase().replace("cache 30", "cache -5"), 19254));
    await expect(bad.started).rejects.toThrow("plugin/cache: cache TTL can not be zero or negative: -5");
    const state = bad.state();
    expect(state.phase).toBe("exited");
    expect(state.phase === "exited" && state.exitCode).toBe(1);
    expect(logText(bad).at(-1)).toBe("plugin/cache: cache TTL can not be zero or negative: -5");
    const unknown = startPod(spec(2, corefileBase().replace("    reload\n", "    relaod\n"), 19255));
    await expect(unknown.started).rejects.toThrow(
      /^\/etc\/Corefile:\d+ - Error during parsing: Unknown directive 'relaod'$/,
    );
  });

  it("keeps serving the old config when a reload fails, and counts it", async () => {
    const p = startPod(spec(3, corefileBase(), 19256));
    await p.started;
    p.updateCorefileBase(corefileBase().replace("cache 30", "cache -5"));
    await waitFor(
      "the failed reload",
      () =>
        logText(p).some((l) => l.startsWith("[ERROR] plugin/reload: Corefile changed but reload failed"))
          ? true
          : undefined,
      10_000,
      25,
    );
    const lines = logText(p);
    expect(lines).toContain("[INFO] Reloading");
    expect(lines).toContain(
      "[ERROR] Restart failed: plugin/cache: cache TTL can not be zero or negative: -5",
    );
    expect(lines).toContain(
      "[ERROR] plugin/reload: Corefile changed but reload failed: starting with listener file descriptors: plugin/cache: cache TTL can not be zero or negative: -5",
    );
    const text = await metrics(p);
    expect(sample(text, "coredns_reload_failed_total")).toBe(1);
    expect(text).toMatch(/coredns_reload_version_info\{hash="sha512",value="[0-9a-f]{128}"\} 1/);
    const ep = kubeDnsEndpoint(p);
    const r = await queryOnce({
      host: ep.host,
      port: ep.port,
      name: "kubernetes.default.svc.cluster.local",
      type: "A",
    });
    expect(r.rcode).toBe("NOERROR");
    expect(p.state().phase).toBe("running");
  });

  it("only warns when the changed Corefile does not even parse, and keeps serving", async () => {
    const p = startPod(spec(9, corefileBase(), 19262));
    await p.started;
    // The last block's closing brace is gone: the reload plugin's own parse fails before any restart.
    p.updateCorefileBase(corefileBase().replace(/\}\s*$/, ""));
    const warning = await waitFor(
      "the parse warning",
      () => logText(p).find((l) => l.startsWith("[WARNING] plugin/reload: Corefile parse failed: ")),
      10_000,
      25,
    );
    expect(warning).toMatch(/\/etc\/Corefile:\d+/);
    expect(logText(p)).not.toContain("[INFO] Reloading");
    expect(sample(await metrics(p), "coredns_reload_failed_total")).toBe(0);
    const ep = kubeDnsEndpoint(p);
    expect((await queryOnce({ host: ep.host, port: ep.port, name: "example.org", type: "A" })).rcode).toBe(
      "NOERROR",
    );
  });

  it("applies a good reload with fresh caches", async () => {
    const p = startPod(spec(4, corefileBase(), 19257));
    await p.started;
    const ep = kubeDnsEndpoint(p);
    await queryOnce({ host: ep.host, port: ep.port, name: "example.org", type: "A" });
    p.updateCorefileBase(corefileBase().replace("cache 30", "cache 31"));
    await waitFor(
      "the reload",
      () => (logText(p).includes("[INFO] Reloading complete") ? true : undefined),
      10_000,
      25,
    );
    const entries = 'coredns_cache_entries{server="dns://10.96.0.10:53",type="success",view="",zones="."}';
    const before = sample(
      await metrics(p),
      'coredns_cache_hits_total{server="dns://10.96.0.10:53",type="success",view="",zones="."}',
    );
    await queryOnce({ host: ep.host, port: ep.port, name: "example.org", type: "A" });
    const text = await metrics(p);
    // A miss after the reload (the new cache is empty), so hits did not move and the entry is back.
    expect(
      sample(text, 'coredns_cache_hits_total{server="dns://10.96.0.10:53",type="success",view="",zones="."}'),
    ).toBe(before);
    expect(sample(text, entries)).toBe(1);
    expect(sample(text, "coredns_reload_failed_total")).toBe(0);
  });

  it("answers SERVFAIL and logs an errors line when the upstream is down", async () => {
    const s = spec(5, corefileBase(), 19258);
    // A kube-dns-upstream whose endpoints are gone: nothing listens there.
    const p = startPod({ ...s, clusterDns: { ...s.clusterDns, host: "127.63.0.9", port: 9 } });
    await p.started;
    const ep = kubeDnsEndpoint(p);
    const r = await queryOnce({
      host: ep.host,
      port: ep.port,
      name: "api.shop.svc.cluster.local",
      type: "A",
    });
    expect(r.rcode).toBe("SERVFAIL");
    const lines = logText(p);
    expect(lines).toContain(
      "[ERROR] plugin/errors: 2 api.shop.svc.cluster.local. A: dial tcp 10.96.0.11:53: connect: connection refused",
    );
    expect(
      lines.some((l) => / "A IN api\.shop\.svc\.cluster\.local\. udp \d+ false 512" - - 0 [\d.]+s$/.test(l)),
    ).toBe(true);
    const brokenBefore = sample(await metrics(p), "coredns_forward_healthcheck_broken_total");
    const second = await queryOnce({
      host: ep.host,
      port: ep.port,
      name: "db.shop.svc.cluster.local",
      type: "A",
    });
    expect(second.rcode).toBe("SERVFAIL");
    const text = await metrics(p);
    expect(
      sample(
        text,
        'coredns_dns_responses_total{plugin="",rcode="SERVFAIL",server="dns://10.96.0.10:53",view="",zone="cluster.local."}',
      ),
    ).toBe(2);
    // The fixture's upstream-down signature: the upstream marked down after 2 failed health checks,
    // one "broken" last try per query once it is down (the loop probes at start count too), and a
    // burst of connection-cache misses from forward's re-dialling.
    expect(
      sample(text, 'coredns_forward_healthcheck_failures_total{to="10.96.0.11:53"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(text, "coredns_forward_healthcheck_broken_total")).toBe(brokenBefore + 1);
    expect(
      sample(text, 'coredns_forward_conn_cache_misses_total{proto="tcp",to="10.96.0.11:53"}'),
    ).toBeGreaterThan(100);
  });

  it('refuses names no server block covers, counted under zone "dropped"', async () => {
    const clusterOnly =
      "cluster.local:53 {\n    errors\n    cache 30\n    bind 169.254.20.10\n    forward . 10.96.0.11 {\n        force_tcp\n    }\n    prometheus :9253\n}\n";
    const p = startPod(spec(7, clusterOnly, 19260));
    await p.started;
    const ep = p.dnsEndpoints().find((e) => e.proto === "udp")!;
    expect(p.dnsEndpoints().map((e) => e.virtualIP)).toEqual(["169.254.20.10", "169.254.20.10"]);
    const r = await queryOnce({ host: ep.host, port: ep.port, name: "example.com", type: "A" });
    expect(r.rcode).toBe("REFUSED");
    const text = await metrics(p);
    expect(
      sample(
        text,
        'coredns_dns_responses_total{plugin="",rcode="REFUSED",server="169.254.20.10:53",view="",zone="dropped"}',
      ),
    ).toBe(1);
    expect(p.healthEndpoint()).toBeNull();
  });

  it("a container restarted on the same node gets the same fixed ports once the old one has exited", async () => {
    const fixed = { ...spec(8, corefileBase(), 19261), dnsPort: 19353 };
    const first = startPod(fixed);
    await first.started;
    expect(first.dnsEndpoints().every((e) => e.port === 19353)).toBe(true);
    await first.stop();
    expect(first.state().phase).toBe("exited");
    const second = startPod(fixed);
    await second.started;
    const r = await queryOnce({
      host: nodeAddresses(60, 8).kubeDns,
      port: 19353,
      name: "kubernetes.default.svc.cluster.local",
      type: "A",
      proto: "tcp",
    });
    expect(r.rcode).toBe("NOERROR");
  });

  it("logs the shutdown lines on SIGTERM and closes its sockets", async () => {
    const p = startPod(spec(6, corefileBase(), 19259));
    await p.started;
    const ep = kubeDnsEndpoint(p, "tcp");
    await p.stop();
    expect(logText(p).slice(-3)).toEqual([
      "[INFO] SIGTERM: Shutting down servers then terminating",
      "[INFO] Tearing down",
      "[WARNING] Exiting iptables/interface check goroutine",
    ]);
    await expect(
      queryOnce({
        host: ep.host,
        port: ep.port,
        name: "example.com",
        type: "A",
        proto: "tcp",
        timeoutMs: 1000,
      }),
    ).rejects.toThrow(/ECONNREFUSED|closed/);
  });
});
