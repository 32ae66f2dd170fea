import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isSearchPathExpansion, parseCorednsLogLine, splitDnsLabels } from "@/lib/logs/parse";
import { FIXTURES_DIR } from "../support/fixtures";

describe("splitDnsLabels", () => {
  it("splits on unescaped dots only and keeps escapes as printed", () => {
    expect(splitDnsLabels("a\\.b.svc.cluster.local.")).toEqual(["a\\.b", "svc", "cluster", "local"]);
    expect(splitDnsLabels("x\\\\.y.")).toEqual(["x\\\\", "y"]);
    expect(splitDnsLabels("a\\032b.")).toEqual(["a\\032b"]);
    expect(splitDnsLabels(".")).toEqual([]);
    expect(splitDnsLabels("no.trailing.dot")).toEqual(["no", "trailing", "dot"]);
  });
});

describe("isSearchPathExpansion", () => {
  it.each([
    // the brief's examples
    "example.com.default.svc.cluster.local.",
    "x.svc.cluster.local.",
    // what the fixture client's ndots:5 lookups produced
    "example.org.svc.cluster.local.",
    "example.org.cluster.local.",
    "registry.k8s.io.default.svc.cluster.local.",
    "registry.k8s.io.svc.cluster.local.",
    "api.github.com.default.svc.cluster.local.",
    "api.github.com.svc.cluster.local.",
    "nonexistent.invalid.default.svc.cluster.local.",
    "kubernetes.default.default.svc.cluster.local.",
    "kubernetes.default.cluster.local.",
    // a name that already had a search suffix
    "web.shop.svc.cluster.local.default.svc.cluster.local.",
    "web.svc.default.svc.cluster.local.",
    // case and trailing dot do not matter
    "Example.COM.default.svc.cluster.local",
  ])("flags %s", (name) => {
    expect(isSearchPathExpansion(name)).toBe(true);
  });

  it.each([
    "kubernetes.default.svc.cluster.local.",
    "db.shop.svc.cluster.local.",
    "web.app.svc.cluster.local.",
    "web-0.nginx.default.svc.cluster.local.",
    "_dns._udp.kube-dns.kube-system.svc.cluster.local.",
    "10-244-1-7.default.pod.cluster.local.",
    "example.com.",
    "cluster.local.",
    ".",
    "10.in-addr.arpa.",
    // the loop plugin's start-up self-probe
    "5697732504398674988.2762418945180686632.cluster.local.",
  ])("does not flag %s", (name) => {
    expect(isSearchPathExpansion(name)).toBe(false);
  });

  it("uses the given cluster domain", () => {
    expect(isSearchPathExpansion("example.com.default.svc.k8s.corp.", "k8s.corp")).toBe(true);
    expect(isSearchPathExpansion("example.com.default.svc.cluster.local.", "k8s.corp")).toBe(false);
    expect(isSearchPathExpansion("db.shop.svc.k8s.corp.", "k8s.corp.")).toBe(false);
  });

  it("flags most NXDOMAIN answers to ndots:5 lookups in the fixture log and no NOERROR answer", () => {
    const file = path.join(FIXTURES_DIR, "logs-nodecache-1.22.28-coredns-1.10.0-log-plugin.txt");
    const queries = readFileSync(file, "utf8")
      .split("\n")
      .map((l) => parseCorednsLogLine(l))
      .flatMap((p) => (p.kind === "query" && p.type !== "HINFO" ? [p] : []));
    const flaggedAnswered = queries.filter(
      (q) => q.rcode === "NOERROR" && q.responseSize > 0 && isSearchPathExpansion(q.name),
    );
    expect(flaggedAnswered.map((q) => q.name)).toEqual([]);
    const nx = queries.filter((q) => q.rcode === "NXDOMAIN" && q.name.endsWith(".cluster.local."));
    const flagged = nx.filter((q) => isSearchPathExpansion(q.name));
    expect(flagged.length / nx.length).toBeGreaterThan(0.7);
  });
});
