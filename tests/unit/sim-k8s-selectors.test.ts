import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { StoreError } from "@/sim/k8s/errors";
import {
  fieldValue,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  selectorFromSpec,
} from "@/sim/k8s/selectors";

const labels = { "k8s-app": "node-local-dns", tier: "node", "app.kubernetes.io/part-of": "dns", weight: "5" };

describe("label selectors", () => {
  it.each([
    ["", true],
    ["k8s-app=node-local-dns", true],
    ["k8s-app==node-local-dns", true],
    ["k8s-app!=node-local-dns", false],
    ["missing!=x", true],
    ["k8s-app in (kube-dns, node-local-dns)", true],
    ["k8s-app notin (node-local-dns)", false],
    ["missing notin (a)", true],
    ["missing in (a)", false],
    ["tier", true],
    ["!tier", false],
    ["!missing", true],
    ["app.kubernetes.io/part-of=dns,tier in (node),!missing", true],
    ["weight>4", true],
    ["weight<5", false],
  ])("%s → %s", (sel, want) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want);
  });

  it("rejects malformed selectors with a 400 and the parser's wording", () => {
    for (const bad of ["a=-bad-", "in (a", "k in ()", "-k=v", "a b"]) {
      let err: unknown;
      try {
        parseLabelSelector(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(StoreError);
      expect((err as StoreError).status).toBe(400);
    }
  });

  it("matchLabels/matchExpressions become the same requirements", () => {
    const sel = selectorFromSpec({
      matchLabels: { "k8s-app": "node-local-dns" },
      matchExpressions: [{ key: "tier", operator: "In", values: ["node"] }],
    });
    expect(matchesLabels(sel, labels)).toBe(true);
    expect(matchesLabels(sel, { "k8s-app": "node-local-dns" })).toBe(false);
  });

  it("an equality selector built from any valid label matches exactly the objects carrying it", () => {
    const token = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,10}[a-z0-9])?$/);
    fc.assert(
      fc.property(token, token, token, (k, v, other) => {
        const sel = parseLabelSelector(`${k}=${v}`);
        return matchesLabels(sel, { [k]: v }) && (other === v || !matchesLabels(sel, { [k]: other }));
      }),
    );
  });
});

describe("field selectors", () => {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "kube-system" },
    spec: { nodeName: "n1", hostNetwork: true },
    status: { phase: "Running" },
  };
  it("selects on the fields the API server supports per kind", () => {
    expect(matchesFields(parseFieldSelector("spec.nodeName=n1,status.phase!=Pending", "Pod"), pod)).toBe(
      true,
    );
    expect(matchesFields(parseFieldSelector("spec.nodeName==n2", "Pod"), pod)).toBe(false);
    expect(fieldValue(pod, "spec.hostNetwork")).toBe("true");
    expect(() => parseFieldSelector("spec.nodeName=n1", "ConfigMap")).toThrow(
      "field label not supported: spec.nodeName",
    );
    const ev = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "e" },
      involvedObject: { kind: "Pod", name: "p" },
      source: { component: "kubelet" },
    };
    expect(
      matchesFields(
        parseFieldSelector("involvedObject.kind=Pod,involvedObject.name=p,source=kubelet", "Event"),
        ev,
      ),
    ).toBe(true);
  });
});
