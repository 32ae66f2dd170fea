import { describe, expect, it } from "vitest";
import type { V1Pod } from "@kubernetes/client-node";
import { prometheusListenPort, reshapePod } from "@/lib/k8s/reshape";

const pod = (container: NonNullable<V1Pod["spec"]>["containers"][number]): V1Pod => ({
  metadata: { name: "node-local-dns-a", namespace: "kube-system" },
  spec: { nodeName: "n1", containers: [container] },
  status: { podIP: "10.0.0.5", phase: "Running" },
});

describe("the metrics port comes from the Corefile and the pod spec, not a constant", () => {
  it("the Corefile's prometheus port wins: that is where CoreDNS binds", () => {
    const p = pod({
      name: "node-cache",
      ports: [{ name: "metrics", containerPort: 9300 }],
      args: ["-prometheus-listen-address=:9400"],
    });
    expect(reshapePod(p, "node-cache", 9253, 9500).metricsPort).toBe(9500);
  });

  it("without one, node-cache's flag beats the container port, which only declares it", () => {
    const p = pod({
      name: "node-cache",
      ports: [{ name: "metrics", containerPort: 9300 }],
      args: ["-prometheus-listen-address=:9400"],
    });
    expect(reshapePod(p, "node-cache", 9253).metricsPort).toBe(9400);
  });

  it("then the container port named metrics (node-local-dns's manifest: containerPort 9253)", () => {
    const p = pod({ name: "node-cache", ports: [{ name: "metrics", containerPort: 9300 }] });
    expect(reshapePod(p, "node-cache", 9253).metricsPort).toBe(9300);
  });

  it("then node-cache's -prometheus-listen-address (the value it substitutes for __PROMETHEUS__ENDPOINT__)", () => {
    expect(
      reshapePod(
        pod({
          name: "node-cache",
          args: ["-localip", "169.254.20.10", "-prometheus-listen-address", "0.0.0.0:9400"],
        }),
        "node-cache",
        9253,
      ).metricsPort,
    ).toBe(9400);
    expect(
      reshapePod(pod({ name: "node-cache", args: ["--prometheus-listen-address=:9401"] }), "node-cache", 9253)
        .metricsPort,
    ).toBe(9401);
  });

  it("then the configured default", () => {
    expect(
      reshapePod(pod({ name: "node-cache", args: ["-localip", "169.254.20.10"] }), "node-cache", 9253)
        .metricsPort,
    ).toBe(9253);
    expect(prometheusListenPort(["-prometheus-listen-address=nohost"])).toBeNull();
    expect(prometheusListenPort(["-prometheus-listen-address=:0"])).toBeNull();
  });
});
