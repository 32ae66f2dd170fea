import { describe, expect, it } from "vitest";
import { renderCorefile } from "../../sim/dns/corefile-render";
import {
  formatDurationSeconds,
  formatErrorsLine,
  formatQueryLog,
  goLogPrefix,
} from "../../sim/dns/log-format";
import { searchCandidates } from "../../sim/dns/traffic";
import { answerClusterQuery, answerExternalQuery } from "../../sim/dns/upstream-zones";
import { loopProbeName } from "../../sim/dns/engine";
import { buildQuery, encodeMessage, Rcode, replyTo, RRType } from "../../sim/dns/wire";
import { readFileSync } from "node:fs";
import { FIXTURES_DIR as FIXTURES } from "../support/fixtures";

const services = [
  { name: "kubernetes", namespace: "default", clusterIP: "10.96.0.1" },
  { name: "db", namespace: "shop", clusterIP: "10.96.7.8" },
];

describe("CoreDNS log lines", () => {
  it("prints durations like Go's FormatFloat(seconds, 'f', -1)", () => {
    expect(formatDurationSeconds(454_366)).toBe("0.000454366s");
    expect(formatDurationSeconds(1_001_097_883)).toBe("1.001097883s");
    expect(formatDurationSeconds(268_740)).toBe("0.00026874s");
    expect(formatDurationSeconds(2_000_000_000)).toBe("2s");
  });

  it("prints Go's default log prefix", () => {
    expect(goLogPrefix(new Date(Date.UTC(2026, 10, 21, 22, 34, 59)))).toBe("2026/11/21 22:34:59 ");
  });

  it("reproduces a fixture query line from the same query and reply", () => {
    // [INFO] 127.0.0.1:39768 - 41606 "A IN db.shop.svc.cluster.local. udp 43 false 512" NOERROR qr,aa,rd 84 0.000146558s
    const req = buildQuery({ id: 41606, name: "db.shop.svc.cluster.local.", type: RRType.A });
    const res = answerClusterQuery(req, "cluster.local", services);
    const line = formatQueryLog({
      remoteIP: "127.0.0.1",
      remotePort: 39768,
      localIP: "10.96.0.10",
      request: req,
      proto: "udp",
      requestSize: encodeMessage(req).length,
      bufsize: 512,
      response: res,
      responseSize: 84,
      durationNanos: 146_558,
      legacyEmptyRcode: false,
    });
    expect(line).toBe(
      '[INFO] 127.0.0.1:39768 - 41606 "A IN db.shop.svc.cluster.local. udp 43 false 512" NOERROR qr,aa,rd 84 0.000146558s',
    );
    const fixture = readFileSync(`${FIXTURES}/logs-nodecache-1.22.28-coredns-1.10.0-log-plugin.txt`, "utf8");
    expect(fixture).toContain(line);
  });

  it("prints a failed query without rcode (1.10.0) or with NOERROR (1.7.0), then the errors line", () => {
    const req = buildQuery({ id: 12004, name: "svc0.ns0.svc.cluster.local.", type: RRType.A });
    const base = {
      remoteIP: "127.0.0.1",
      remotePort: 55934,
      localIP: "10.96.0.10",
      request: req,
      proto: "udp" as const,
      requestSize: 44,
      bufsize: 512,
      response: null,
      responseSize: 0,
      durationNanos: 1_001_097_883,
    };
    expect(formatQueryLog({ ...base, legacyEmptyRcode: false })).toBe(
      '[INFO] 127.0.0.1:55934 - 12004 "A IN svc0.ns0.svc.cluster.local. udp 44 false 512" - - 0 1.001097883s',
    );
    expect(formatQueryLog({ ...base, legacyEmptyRcode: true })).toContain('" NOERROR - 0 ');
    expect(formatErrorsLine(Rcode.SERVFAIL, req, "dial tcp 127.0.0.2:53: connect: connection refused")).toBe(
      "[ERROR] plugin/errors: 2 svc0.ns0.svc.cluster.local. A: dial tcp 127.0.0.2:53: connect: connection refused",
    );
  });

  it("makes loop probe names like the fixture's (two 63-bit decimal numbers, then the zone)", () => {
    expect(loopProbeName("cluster.local.")).toMatch(/^\d{1,19}\.\d{1,19}\.cluster\.local\.$/);
    expect(loopProbeName(".")).toMatch(/^\d{1,19}\.\d{1,19}\.$/);
  });
});

describe("node-cache rendering", () => {
  it("turns the sed-substituted template into the Corefile node-cache writes", () => {
    const base = readFileSync(`${FIXTURES}/Corefile-nodelocaldns-configmap-template.txt`, "utf8")
      .replaceAll("__PILLAR__DNS__DOMAIN__", "cluster.local")
      .replaceAll("__PILLAR__LOCAL__DNS__", "127.0.0.10")
      .replaceAll("__PILLAR__DNS__SERVER__", "127.0.0.20");
    const rendered = renderCorefile(base, {
      clusterDnsIP: "127.0.0.2",
      localIPs: ["127.0.0.10", "127.0.0.20"],
    });
    expect(rendered).toBe(
      readFileSync(`${FIXTURES}/Corefile-nodelocaldns-rendered-by-node-cache-1.22.28.txt`, "utf8"),
    );
  });
});

describe("simulated upstreams", () => {
  it("kube-dns: A for a Service, NODATA for its AAAA, NXDOMAIN with SOA otherwise, PTR for its IP", () => {
    const q = (name: string, type: number) =>
      answerClusterQuery(buildQuery({ id: 1, name, type }), "cluster.local", services);
    const a = q("db.shop.svc.cluster.local.", RRType.A);
    expect(a.aa).toBe(true);
    expect(a.ra).toBe(false);
    expect(a.answers[0]).toMatchObject({ ttl: 5, data: { kind: "A", address: "10.96.7.8" } });
    const aaaa = q("db.shop.svc.cluster.local.", RRType.AAAA);
    expect(aaaa.rcode).toBe(Rcode.NOERROR);
    expect(aaaa.answers).toEqual([]);
    expect(aaaa.authorities[0]?.data).toMatchObject({ kind: "SOA", minimum: 5 });
    expect(q("db.shop.default.svc.cluster.local.", RRType.A).rcode).toBe(Rcode.NXDOMAIN);
    expect(q("8.7.96.10.in-addr.arpa.", RRType.PTR).answers[0]?.data).toEqual({
      kind: "PTR",
      target: "db.shop.svc.cluster.local.",
    });
    expect(q("9.9.9.10.in-addr.arpa.", RRType.PTR).rcode).toBe(Rcode.NXDOMAIN);
  });

  it("the VPC resolver: recursive answers from its table, CNAME chains, NXDOMAIN with the root SOA", () => {
    const q = (name: string, type: number) => answerExternalQuery(buildQuery({ id: 1, name, type }));
    const gh = q("www.github.com.", RRType.A);
    expect(gh.ra).toBe(true);
    expect(gh.aa).toBe(false);
    expect(gh.answers.map((r) => r.data.kind)).toEqual(["CNAME", "A"]);
    const nx = q("example.com.ec2.internal.", RRType.A);
    expect(nx.rcode).toBe(Rcode.NXDOMAIN);
    expect(nx.authorities[0]?.name).toBe(".");
    expect(q("github.com.", RRType.AAAA).answers).toEqual([]);
    expect(replyTo(buildQuery({ id: 5, name: "x.", type: 1 })).id).toBe(5);
  });
});

describe("client resolver behaviour", () => {
  const search = ["default.svc.cluster.local", "svc.cluster.local", "cluster.local", "ec2.internal"];
  it("tries every search suffix first for names with fewer than 5 dots (ndots:5)", () => {
    expect(searchCandidates("example.com", search)).toEqual([
      "example.com.default.svc.cluster.local.",
      "example.com.svc.cluster.local.",
      "example.com.cluster.local.",
      "example.com.ec2.internal.",
      "example.com.",
    ]);
    expect(searchCandidates("a.b.c.d.e.f", search)[0]).toBe("a.b.c.d.e.f.");
    expect(searchCandidates("example.com.", search)).toEqual(["example.com."]);
  });
});
