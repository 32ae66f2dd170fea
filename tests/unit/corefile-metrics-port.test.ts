import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { corefileMetricsPort } from "@/lib/corefile/metrics-port";

const FIXTURES = path.resolve(__dirname, "../../../shared/fixtures/coredns");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");

describe("the metrics port the Corefile's prometheus directives name", () => {
  it("the upstream node-local-dns template: prometheus :9253 in every block", () => {
    expect(corefileMetricsPort(fixture("Corefile-nodelocaldns-configmap-template.txt"))).toBe(9253);
  });

  it("an operator's own port, with or without a host", () => {
    expect(corefileMetricsPort(".:53 {\n    prometheus 0.0.0.0:9300\n}\n")).toBe(9300);
    expect(corefileMetricsPort(".:53 {\n    prometheus [::]:9301\n}\n")).toBe(9301);
  });

  it("prometheus with no address: the metrics plugin's default localhost:9153", () => {
    expect(corefileMetricsPort(".:53 {\n    prometheus\n}\n")).toBe(9153);
  });

  it("the port most blocks use, the first block's on a tie", () => {
    const three =
      "a:53 {\n  prometheus :9400\n}\nb:53 {\n  prometheus :9253\n}\nc:53 {\n  prometheus :9253\n}\n";
    expect(corefileMetricsPort(three)).toBe(9253);
    expect(corefileMetricsPort("a:53 {\n  prometheus :9400\n}\nb:53 {\n  prometheus :9253\n}\n")).toBe(9400);
  });

  it("null where the Corefile does not say: node-cache's placeholder, no prometheus, or no parse", () => {
    expect(corefileMetricsPort(".:53 {\n    prometheus __PROMETHEUS__ENDPOINT__\n}\n")).toBeNull();
    expect(corefileMetricsPort(".:53 {\n    cache 30\n}\n")).toBeNull();
    expect(corefileMetricsPort(".:53 {\n    prometheus :0\n}\n")).toBeNull();
    expect(corefileMetricsPort(".:53 {\n")).toBeNull();
  });
});
