import { describe, expect, it } from "vitest";
import { StoreError } from "@/sim/k8s/errors";
import { applyJsonPatch, applyMergePatch, patchTypeOf } from "@/sim/k8s/patch";
import { strategicMerge } from "@/sim/k8s/strategic-merge";

function caught(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreError) return err;
    throw err;
  }
  throw new Error("expected a StoreError");
}

const ds = {
  metadata: { name: "node-local-dns", labels: { a: "1" }, finalizers: ["x"] },
  spec: {
    template: {
      metadata: { labels: { "k8s-app": "node-local-dns" } },
      spec: {
        containers: [
          {
            name: "node-cache",
            image: "img:1",
            args: ["-localip", "169.254.20.10"],
            ports: [
              { containerPort: 53, name: "dns", protocol: "UDP" },
              { containerPort: 9253, name: "metrics", protocol: "TCP" },
            ],
            env: [{ name: "A", value: "1" }],
          },
          { name: "sidecar", image: "side:1" },
        ],
        volumes: [{ name: "config-volume", configMap: { name: "node-local-dns" } }],
        tolerations: [{ operator: "Exists" }],
      },
    },
  },
};

describe("patch content types", () => {
  it("accepts exactly the three patch types, 415 otherwise", () => {
    expect(patchTypeOf("application/json-patch+json")).toBe("json");
    expect(patchTypeOf("application/merge-patch+json; charset=utf-8")).toBe("merge");
    expect(patchTypeOf("application/strategic-merge-patch+json")).toBe("strategic");
    expect(caught(() => patchTypeOf("application/json")).status).toBe(415);
    expect(caught(() => patchTypeOf(undefined)).reason).toBe("UnsupportedMediaType");
  });
});

describe("JSON patch (RFC 6902)", () => {
  const doc = { data: { a: "1", "b/c": "2" }, list: [1, 2, 3] };
  it("applies add/remove/replace/move/copy/test with pointer escaping", () => {
    const out = applyJsonPatch(doc, [
      { op: "test", path: "/data/b~1c", value: "2" },
      { op: "add", path: "/list/-", value: 4 },
      { op: "add", path: "/list/0", value: 0 },
      { op: "remove", path: "/list/1" },
      { op: "replace", path: "/data/a", value: "x" },
      { op: "copy", from: "/data/a", path: "/data/copied" },
      { op: "move", from: "/data/b~1c", path: "/data/moved" },
    ]);
    expect(out).toEqual({ data: { a: "x", copied: "x", moved: "2" }, list: [0, 2, 3, 4] });
    expect(doc.list).toEqual([1, 2, 3]); // input untouched
  });

  it("fails with 422 as the API server does, malformed patches with 400", () => {
    const t = caught(() => applyJsonPatch(doc, [{ op: "test", path: "/data/a", value: "2" }]));
    expect([t.status, t.reason, t.message]).toEqual([
      422,
      "Invalid",
      "the server rejected our request due to an error in our request",
    ]);
    expect(t.details?.causes?.[0]?.message).toBe("testing value /data/a failed: test failed");
    expect(caught(() => applyJsonPatch(doc, [{ op: "replace", path: "/data/zzz", value: 1 }])).status).toBe(
      422,
    );
    expect(caught(() => applyJsonPatch(doc, [{ op: "remove", path: "/nope/x" }])).status).toBe(422);
    expect(caught(() => applyJsonPatch(doc, { op: "add" })).status).toBe(400);
    expect(caught(() => applyJsonPatch(doc, [{ op: "frobnicate", path: "/a" }])).status).toBe(400);
  });
});

describe("JSON merge patch (RFC 7386)", () => {
  it("merges objects, deletes on null, replaces arrays", () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [9] })).toEqual({
      a: { c: 2, d: 3 },
      l: [9],
    });
  });
});

describe("strategic merge patch", () => {
  it("merges containers by name, ports by containerPort, env by name; other lists are replaced", () => {
    const out = strategicMerge("DaemonSet", ds, {
      spec: {
        template: {
          metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "now" } },
          spec: {
            containers: [
              {
                name: "node-cache",
                image: "img:2",
                ports: [{ containerPort: 9253, name: "prom" }],
                env: [{ name: "B", value: "2" }],
              },
            ],
            tolerations: [{ key: "k", operator: "Equal", value: "v" }],
          },
        },
      },
    }) as typeof ds;
    const c = out.spec.template.spec.containers[0];
    expect(c?.image).toBe("img:2");
    expect(c?.args).toEqual(["-localip", "169.254.20.10"]);
    expect(c?.ports).toEqual([
      { containerPort: 53, name: "dns", protocol: "UDP" },
      { containerPort: 9253, name: "prom", protocol: "TCP" },
    ]);
    expect(c?.env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ]);
    expect(out.spec.template.spec.containers[1]?.name).toBe("sidecar");
    expect(out.spec.template.spec.tolerations).toEqual([{ key: "k", operator: "Equal", value: "v" }]);
    expect(out.spec.template.metadata).toEqual({
      labels: { "k8s-app": "node-local-dns" },
      annotations: { "kubectl.kubernetes.io/restartedAt": "now" },
    });
  });

  it("honours $patch delete/replace, null deletion, primitive-list merge and $deleteFromPrimitiveList", () => {
    const out = strategicMerge("DaemonSet", ds, {
      metadata: { labels: { a: null }, finalizers: ["y"], "$deleteFromPrimitiveList/finalizers": ["x"] },
      spec: {
        template: {
          spec: {
            containers: [{ name: "sidecar", $patch: "delete" }],
            volumes: [{ $patch: "replace" }, { name: "only", emptyDir: {} }],
          },
        },
      },
    }) as typeof ds;
    expect(out.metadata.labels).toEqual({});
    expect(out.metadata.finalizers).toEqual(["y"]);
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(["node-cache"]);
    expect(out.spec.template.spec.volumes).toEqual([{ name: "only", emptyDir: {} }]);
    const replaced = strategicMerge(
      "ConfigMap",
      { data: { a: "1", b: "2" } },
      { data: { $patch: "replace", c: "3" } },
    );
    expect(replaced).toEqual({ data: { c: "3" } });
  });

  it("rejects list elements without the merge key", () => {
    expect(
      caught(() =>
        strategicMerge("Pod", { spec: { containers: [] } }, { spec: { containers: [{ image: "x" }] } }),
      ).status,
    ).toBe(400);
  });
});
