/**
 * The emulated /metrics against the real dumps: after the same kind of life (startup probes, traffic
 * on two listen addresses and four zones, an upstream outage, a reload), the emulator must print the
 * same families with the same HELP/TYPE, the same label names per family and the same `le` bounds.
 * Values differ (other traffic), names and shapes must not.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createCorednsMetrics, type CorednsMetrics, type Proto } from "@/sim/dns/metrics";
import type { CorednsVersion } from "@/sim/runtime";
import { FIXTURES_DIR } from "../support/fixtures";

const FIXTURES = FIXTURES_DIR;
const fixture = (version: "1.7.0" | "1.10.0", phase: string) =>
  readFileSync(
    `${FIXTURES}/metrics-nodecache-${version === "1.7.0" ? "1.22.13" : "1.22.28"}-coredns-${version}-${phase}.txt`,
    "utf8",
  );

// ---- a small reader of the text format: enough to compare shapes --------------------------------

interface FamilyShape {
  help?: string;
  type?: string;
  labelNames: Set<string>;
  les: Set<string>;
  samples: Array<{ name: string; labels: Record<string, string>; value: string }>;
}

function readExposition(text: string): Map<string, FamilyShape> {
  const families = new Map<string, FamilyShape>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { labelNames: new Set(), les: new Set(), samples: [] }));
    return f;
  };
  let current = "";
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      current = meta[2]!;
      if (meta[1] === "HELP") family(current).help = meta[3];
      else family(current).type = meta[3];
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    if (!m[1]!.startsWith(current)) throw new Error(`sample ${m[1]} outside its family ${current}`);
    const labels: Record<string, string> = {};
    for (const p of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[p[1]!] = p[2]!;
    const f = family(current);
    f.samples.push({ name: m[1]!, labels, value: m[3]! });
    for (const n of Object.keys(labels)) {
      if (n === "le") f.les.add(labels[n]!);
      else if (n !== "quantile") f.labelNames.add(n);
    }
  }
  return families;
}

/** Family name → "TYPE | HELP | label names | le bounds", for a readable diff. */
function shapes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, f] of readExposition(text)) {
    out[name] = `${f.type} | ${f.help} | {${[...f.labelNames].sort().join(",")}} | ${[...f.les].join(" ")}`;
  }
  return out;
}

// ---- a node-local-dns life, driven the way the pod drives it ------------------------------------

const SERVERS = ["dns://169.254.20.10:53", "dns://10.96.0.10:53"];
const ZONES = ["cluster.local.", "in-addr.arpa.", "ip6.arpa.", "."];
const KUBE_DNS = "10.96.0.11:53";
const RESOLVER = "10.0.0.2:53";
const PLUGINS = ["cache", "errors", "forward", "loop", "prometheus"];

interface Query {
  server: string;
  zone: string;
  qtype: string;
  proto?: Proto;
  doBit?: boolean;
  /** Answered from cache, answered by the upstream, or the upstream is down. */
  outcome: "hit" | "miss" | "down";
  rcode?: string;
}

class Pod {
  readonly entries = new Map<string, number>();
  /** Exchanges per upstream: the first few each dial (the startup probes run concurrently), later ones reuse. */
  readonly dials = new Map<string, number>();
  constructor(readonly m: CorednsMetrics) {}

  start(): void {
    for (const server of SERVERS)
      for (const zone of ZONES) for (const name of PLUGINS) this.m.pluginEnabled({ server, zone, name });
    // The loop plugin's HINFO self-probe, once per block on the first address.
    for (const zone of ZONES)
      this.query({ server: SERVERS[0]!, zone, qtype: "HINFO", outcome: "miss", rcode: "NXDOMAIN" });
    for (let i = 0; i < 3; i++) this.m.healthRequest(0.0011, false);
  }

  query(q: Query): void {
    const { server, zone, qtype } = q;
    const proto = q.proto ?? "udp";
    const rcode = q.rcode ?? "NOERROR";
    const zones = zone;
    const upstream = zone === "." ? RESOLVER : KUBE_DNS;
    const upstreamProto: Proto = zone === "." ? "udp" : "tcp"; // force_tcp towards kube-dns
    const type = rcode === "NOERROR" ? "success" : "denial";
    this.m.request({ server, zone, proto, family: 1, qtype, sizeBytes: 45, doBit: q.doBit ?? false });
    this.m.cacheRequest({ server, zones });
    if (q.outcome === "hit") {
      this.m.cacheHit({ server, zones, type });
    } else if (q.outcome === "miss") {
      this.m.cacheMiss({ server, zones });
      const used = this.dials.get(upstream) ?? 0;
      this.dials.set(upstream, used + 1);
      this.m.forwardConnCache({ to: upstream, proto: upstreamProto, hit: used >= 3 });
      this.m.forwardRequest({ to: upstream, proto: upstreamProto, rcode, durationSeconds: 0.0004 });
      const key = `${server} ${zones} ${type}`;
      this.entries.set(key, (this.entries.get(key) ?? 0) + 1);
      this.m.cacheEntries({ server, zones, type }, this.entries.get(key)!);
    } else {
      this.m.cacheMiss({ server, zones });
      for (let i = 0; i < 50; i++)
        this.m.forwardConnCache({ to: upstream, proto: upstreamProto, hit: false });
      this.m.forwardHealthcheckFailure({ to: upstream });
      this.m.forwardHealthcheckBroken();
      this.m.response({
        server,
        zone,
        proto,
        rcode: "SERVFAIL",
        plugin: "",
        sizeBytes: 45,
        durationSeconds: 1.001,
        qtype,
      });
      return;
    }
    this.m.response({
      server,
      zone,
      proto,
      rcode,
      plugin: "cache",
      sizeBytes: 120,
      durationSeconds: 0.0002,
      qtype,
    });
  }

  traffic(): void {
    for (const server of SERVERS) {
      for (const qtype of ["A", "AAAA"]) {
        this.query({ server, zone: "cluster.local.", qtype, outcome: "miss", rcode: "NXDOMAIN" });
        this.query({ server, zone: "cluster.local.", qtype, outcome: "hit", rcode: "NXDOMAIN" });
        this.query({ server, zone: "cluster.local.", qtype, outcome: "miss", proto: "tcp" });
        this.query({ server, zone: "cluster.local.", qtype, outcome: "hit" });
        this.query({ server, zone: ".", qtype, outcome: "miss", doBit: true });
        this.query({ server, zone: ".", qtype, outcome: "hit" });
      }
      this.query({ server, zone: "in-addr.arpa.", qtype: "PTR", outcome: "miss" });
      this.query({ server, zone: "in-addr.arpa.", qtype: "PTR", outcome: "hit" });
      this.query({ server, zone: "ip6.arpa.", qtype: "PTR", outcome: "miss", rcode: "NXDOMAIN" });
      this.query({ server, zone: "ip6.arpa.", qtype: "PTR", outcome: "hit", rcode: "NXDOMAIN" });
      this.query({ server, zone: "cluster.local.", qtype: "SRV", outcome: "miss" });
      this.query({ server, zone: ".", qtype: "MX", outcome: "miss" });
      this.query({ server, zone: ".", qtype: "TXT", outcome: "miss" });
    }
    for (let i = 0; i < 4; i++) this.m.healthRequest(0.0009, false);
  }

  upstreamDown(): void {
    for (const server of SERVERS) {
      this.query({ server, zone: "cluster.local.", qtype: "A", outcome: "down" });
      this.query({ server, zone: ".", qtype: "A", outcome: "down" });
    }
  }

  reload(corefile: string, ok = true): void {
    this.m.reloadVersion(corefile);
    if (!ok) {
      this.m.reloadFailed();
      return;
    }
    this.m.resetPluginEnabled();
    for (const server of SERVERS)
      for (const zone of ZONES) for (const name of PLUGINS) this.m.pluginEnabled({ server, zone, name });
  }
}

function newPod(version: CorednsVersion): Pod {
  return new Pod(
    createCorednsMetrics({
      version,
      startTime: new Date("2026-11-21T22:34:58Z"),
      now: () => new Date("2026-11-21T22:40:00Z"),
    }),
  );
}

describe.each(["1.7.0", "1.10.0"] as const)("CoreDNS %s against the real dumps", (version) => {
  it("at startup (loop probes and health checks only) prints the startup dump's families and shapes", () => {
    const pod = newPod(version);
    pod.start();
    expect(shapes(pod.m.render())).toEqual(shapes(fixture(version, "startup")));
  });

  it("after traffic prints the traffic dump's families and shapes", () => {
    const pod = newPod(version);
    pod.start();
    pod.traffic();
    expect(shapes(pod.m.render())).toEqual(shapes(fixture(version, "traffic")));
  });

  it("after traffic, an upstream outage and a reload prints the after-reload dump's families and shapes", () => {
    const pod = newPod(version);
    pod.start();
    pod.traffic();
    pod.upstreamDown();
    pod.traffic();
    pod.reload("cluster.local:53 {\n    cache 31\n}\n");
    pod.traffic();
    expect(shapes(pod.m.render())).toEqual(shapes(fixture(version, "after-reload")));
  });

  it("after a failed reload prints the reload-failed dump's families and shapes", () => {
    const pod = newPod(version);
    pod.start();
    pod.traffic();
    pod.reload("cluster.local:53 {\n    cache -5\n}\n", false);
    expect(shapes(pod.m.render())).toEqual(shapes(fixture(version, "reload-failed")));
  });

  it("labels the servers, zones and upstreams it was fed, with view empty where the version has it", () => {
    const pod = newPod(version);
    pod.start();
    pod.traffic();
    const families = readExposition(pod.m.render());
    const requests = families.get("coredns_dns_requests_total")!.samples;
    expect(new Set(requests.map((s) => s.labels.server))).toEqual(new Set(SERVERS));
    expect(new Set(requests.map((s) => s.labels.zone))).toEqual(new Set(ZONES));
    expect(new Set(requests.map((s) => s.labels.view))).toEqual(
      new Set([version === "1.7.0" ? undefined : ""]),
    );
    expect(new Set(requests.map((s) => s.labels.type))).toEqual(
      new Set(["A", "AAAA", "PTR", "SRV", "MX", "TXT", "other"]),
    );
    const forwarded = families.get("coredns_forward_requests_total")!.samples;
    expect(forwarded.map((s) => s.labels.to)).toEqual(["10.0.0.2:53", KUBE_DNS]);
  });
});

describe("CoreDNS 1.11.3 (no real dump: coredns-facts.md §2.1)", () => {
  it("moves forward's per-upstream families to coredns_proxy_* with proxy_name=forward", () => {
    const pod = newPod("1.11.3");
    pod.start();
    pod.traffic();
    pod.upstreamDown();
    const text = pod.m.render();
    const s = shapes(text);
    for (const gone of [
      "coredns_forward_requests_total",
      "coredns_forward_responses_total",
      "coredns_forward_request_duration_seconds",
      "coredns_forward_healthcheck_failures_total",
      "coredns_forward_conn_cache_hits_total",
      "coredns_forward_conn_cache_misses_total",
    ]) {
      expect(s[gone], gone).toBeUndefined();
    }
    expect(s["coredns_proxy_request_duration_seconds"]).toBe(
      "histogram | Histogram of the time each request took. | {proxy_name,rcode,to} | " +
        "0.00025 0.0005 0.001 0.002 0.004 0.008 0.016 0.032 0.064 0.128 0.256 0.512 1.024 2.048 4.096 8.192 +Inf",
    );
    expect(s["coredns_proxy_healthcheck_failures_total"]).toBe(
      "counter | Counter of the number of failed healthchecks. | {proxy_name,to} | ",
    );
    expect(s["coredns_proxy_conn_cache_hits_total"]).toMatch(
      /^counter \| .* \| \{proto,proxy_name,to\} \| $/,
    );
    expect(s["coredns_proxy_conn_cache_misses_total"]).toMatch(
      /^counter \| .* \| \{proto,proxy_name,to\} \| $/,
    );
    expect(text).toContain(
      'coredns_proxy_request_duration_seconds_count{proxy_name="forward",rcode="NOERROR",to="10.96.0.11:53"}',
    );
    // Plain counters that stay under forward_, and the DoQ vector that is registered but never filled.
    expect(s["coredns_forward_healthcheck_broken_total"]).toBeDefined();
    expect(s["coredns_forward_max_concurrent_rejects_total"]).toBeDefined();
    expect(s["coredns_dns_quic_responses_total"]).toBeUndefined();
    expect(text).toContain('coredns_build_info{goversion="go1.22.12",revision="",version="1.11.3"} 1');
  });

  it("otherwise has 1.10.0's families and shapes", () => {
    const render = (version: CorednsVersion) => {
      const pod = newPod(version);
      pod.start();
      pod.traffic();
      const all = shapes(pod.m.render());
      return Object.fromEntries(
        Object.entries(all).filter(([k]) => !/^coredns_(forward|proxy)_|^coredns_build_info$/.test(k)),
      );
    };
    expect(render("1.11.3")).toEqual(render("1.10.0"));
  });
});

describe.each([
  ["1.12.2", "go1.23.7"],
  ["1.13.1", "go1.24.8"],
] as const)("CoreDNS %s in node-local-dns (client_golang v1.23; no real dump)", (version, goVersion) => {
  const rendered = (v: CorednsVersion = version) => {
    const pod = newPod(v);
    pod.start();
    pod.traffic();
    return pod.m.render();
  };

  it("has 1.11.3's coredns_* families and shapes: by 1.13.1 the only metrics.go change is coredns_hosts_entries' `hostsfile` label, a vector node-local-dns never fills", () => {
    const coredns = (v: CorednsVersion) =>
      Object.fromEntries(
        Object.entries(shapes(rendered(v))).filter(
          ([k]) => k.startsWith("coredns_") && k !== "coredns_build_info",
        ),
      );
    expect(coredns(version)).toEqual(coredns("1.11.3"));
    expect(rendered()).toContain(
      `coredns_build_info{goversion="${goVersion}",revision="",version="${version}"} 1`,
    );
  });

  it("prints client_golang ≥ 1.20's Go collector: runtime/metrics defaults, new HELP texts, no lookups_total", () => {
    const s = shapes(rendered());
    expect(s["go_memstats_lookups_total"]).toBeUndefined();
    expect(s["go_gc_gogc_percent"]).toBe(
      "gauge | Heap size target percentage configured by the user, otherwise 100. This value is set by the GOGC environment variable, and the runtime/debug.SetGCPercent function. Sourced from /gc/gogc:percent. | {} | ",
    );
    expect(s["go_gc_gomemlimit_bytes"]).toMatch(/^gauge \| Go runtime memory limit configured by the user/);
    expect(s["go_sched_gomaxprocs_threads"]).toMatch(/^gauge \| The current runtime.GOMAXPROCS setting/);
    expect(s["go_memstats_alloc_bytes"]).toMatch(
      /^gauge \| Number of bytes allocated in heap and currently in use. Equals to \/memory\/classes\/heap\/objects:bytes. \|/,
    );
    expect(s["go_gc_duration_seconds"]).toMatch(
      /^summary \| A summary of the wall-time pause \(stop-the-world\)/,
    );
    expect(s["process_network_receive_bytes_total"]).toMatch(
      /^counter \| Number of bytes received by the process/,
    );
    expect(s["process_network_transmit_bytes_total"]).toMatch(
      /^counter \| Number of bytes sent by the process/,
    );
  });

  it("1.11.3 keeps the older Go collector (node-local-dns 1.26.4 has client_golang v1.19.1)", () => {
    const s = shapes(rendered("1.11.3"));
    expect(s["go_memstats_lookups_total"]).toBeDefined();
    expect(s["go_gc_gogc_percent"]).toBeUndefined();
    expect(s["process_network_receive_bytes_total"]).toBeUndefined();
  });
});
