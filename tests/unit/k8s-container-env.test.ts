import { describe, expect, it } from "vitest";
import type { V1DaemonSet } from "@kubernetes/client-node";
import { containerEnv } from "@/lib/k8s/daemonset";

const ds = (container: Record<string, unknown>): V1DaemonSet =>
  ({
    spec: {
      selector: {},
      template: { spec: { containers: [{ name: "node-cache", ...container }] } },
    },
  }) as V1DaemonSet;

describe("containerEnv: the node-cache container's environment for the Corefile's {$VAR}", () => {
  it("takes literal values as written and valueFrom ones as set-but-unknown (null)", () => {
    expect(
      containerEnv(
        ds({
          env: [
            { name: "UPSTREAM", value: "10.0.0.1" },
            { name: "TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
          ],
        }),
        "node-cache",
      ),
    ).toEqual({ UPSTREAM: "10.0.0.1", TOKEN: null });
  });

  it("envFrom can set any name: unknown", () => {
    expect(containerEnv(ds({ envFrom: [{ configMapRef: { name: "x" } }] }), "node-cache")).toBe("unknown");
  });

  it("no env at all (node-local-dns's manifest): nothing set", () => {
    expect(containerEnv(ds({}), "node-cache")).toEqual({});
  });
});
