/**
 * Server-side apply's merge, ownership and conflicts (sim/k8s/apply.ts), held against what
 * k8s.io/apiserver's fieldmanager answers: internal/conflict.go's message and causes, Apply entries
 * owning exactly the applied configuration, fields given up removed.
 */
import { describe, expect, it } from "vitest";
import { pathString, serverSideApply } from "@/sim/k8s/apply";
import { updateManagedFields, type ManagedFieldsEntry } from "@/sim/k8s/managed-fields";
import { StoreError } from "@/sim/k8s/errors";
import type { KubeObject } from "@/sim/k8s/types";

const t0 = new Date("2026-01-01T10:00:00Z");
const t1 = new Date("2026-01-01T10:05:00Z");

const cm = (data: Record<string, string>): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "node-local-dns", namespace: "kube-system" },
  data,
});

function ds(containers: Record<string, unknown>[], extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "node-local-dns", namespace: "kube-system" },
    spec: {
      selector: { matchLabels: { "k8s-app": "node-local-dns" } },
      template: { metadata: { labels: { "k8s-app": "node-local-dns" } }, spec: { containers } },
      ...extra,
    },
  };
}

/** What an Update (kubectl edit, the dashboard's PUT) leaves: the object with its managedFields. */
function updated(old: KubeObject | undefined, next: KubeObject, manager: string): KubeObject {
  const managedFields = updateManagedFields(old, next, { manager, operation: "Update", now: t0 });
  return { ...next, metadata: { ...next.metadata, managedFields } };
}

function applied(
  live: KubeObject | undefined,
  config: KubeObject,
  manager: string,
  force = false,
): KubeObject {
  const r = serverSideApply(live, config, { manager, force, now: t1 });
  return { ...r.object, metadata: { ...r.object.metadata, managedFields: r.managedFields } };
}

function conflictOf(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreError) return err;
    throw err;
  }
  throw new Error("expected a conflict");
}

const entries = (o: KubeObject) => o.metadata.managedFields as ManagedFieldsEntry[];

describe("pathString (fieldpath.Path.String)", () => {
  it("prints fields with dots and keyed list items with [key=value]", () => {
    expect(pathString(JSON.stringify(["f:data", "f:Corefile"]))).toBe(".data.Corefile");
    expect(
      pathString(
        JSON.stringify([
          "f:spec",
          "f:template",
          "f:spec",
          "f:containers",
          'k:{"name":"node-cache"}',
          "f:image",
        ]),
      ),
    ).toBe('.spec.template.spec.containers[name="node-cache"].image');
  });
});

describe("serverSideApply", () => {
  it("creates: the object is the configuration, the Apply entry owns its leaves (no '.' for maps)", () => {
    const o = applied(undefined, cm({ Corefile: "a" }), "kubectl");
    expect(o.data).toEqual({ Corefile: "a" });
    expect(entries(o)).toEqual([
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "v1",
        time: "2026-01-01T10:05:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:data": { "f:Corefile": {} } },
      },
    ]);
  });

  it("a field another manager set to a different value is a 409 with the real message and causes", () => {
    const live = updated(undefined, cm({ Corefile: "a", other: "x" }), "dashboard");
    const err = conflictOf(() => applied(live, cm({ Corefile: "b" }), "kubectl"));
    expect(err.status).toBe(409);
    expect(err.reason).toBe("Conflict");
    expect(err.message).toBe(
      'Apply failed with 1 conflict: conflict with "dashboard" using v1: .data.Corefile',
    );
    expect(err.details).toEqual({
      causes: [
        {
          reason: "FieldManagerConflict",
          message: 'conflict with "dashboard" using v1',
          field: ".data.Corefile",
        },
      ],
    });
  });

  it("several conflicts are grouped by manager, managers sorted, Apply managers without apiVersion", () => {
    let live = updated(undefined, cm({ a: "1" }), "zeta");
    live = applied(live, cm({ a: "1", b: "2" }), "alpha");
    const err = conflictOf(() => applied(live, cm({ a: "9", b: "9" }), "kubectl"));
    expect(err.message).toBe(
      'Apply failed with 3 conflicts: conflicts with "alpha":\n- .data.a\n- .data.b\nconflicts with "zeta" using v1:\n- .data.a',
    );
    expect(err.details?.causes?.map((c) => c.field)).toEqual([".data.a", ".data.a", ".data.b"].sort());
  });

  it("the same value is no conflict: both managers own the field", () => {
    const live = updated(undefined, cm({ Corefile: "a" }), "dashboard");
    const o = applied(live, cm({ Corefile: "a" }), "kubectl");
    expect(entries(o).map((e) => [e.manager, e.operation, Object.keys(e.fieldsV1["f:data"] ?? {})])).toEqual([
      ["kubectl", "Apply", ["f:Corefile"]],
      ["dashboard", "Update", [".", "f:Corefile"]],
    ]);
  });

  it("force takes the field over: the other manager loses it", () => {
    const live = updated(undefined, cm({ Corefile: "a", keep: "k" }), "dashboard");
    const o = applied(live, cm({ Corefile: "b" }), "kubectl", true);
    expect(o.data).toEqual({ Corefile: "b", keep: "k" });
    const dashboard = entries(o).find((e) => e.manager === "dashboard")!;
    expect(dashboard.fieldsV1).toEqual({ "f:data": { ".": {}, "f:keep": {} } });
  });

  it("a field the applier gave up is removed, unless another manager owns it too", () => {
    let o = applied(undefined, cm({ a: "1", b: "2", c: "3" }), "kubectl");
    o = applied(o, cm({ a: "1", b: "2", c: "3" }), "helm");
    o = applied(o, cm({ a: "1" }), "kubectl");
    expect(o.data).toEqual({ a: "1", b: "2", c: "3" });
    o = applied(o, cm({ a: "1" }), "helm");
    expect(o.data).toEqual({ a: "1" });
  });

  it("fields another manager set and the applier never applied are kept", () => {
    let o = applied(undefined, cm({ a: "1" }), "kubectl");
    o = updated(o, { ...o, data: { a: "1", extra: "e" } }, "kubectl-edit");
    o = applied(o, cm({ a: "2" }), "kubectl");
    expect(o.data).toEqual({ a: "2", extra: "e" });
  });

  it("merges containers by name and replaces atomic lists; a container the applier dropped goes", () => {
    let o = applied(
      undefined,
      ds([
        { name: "node-cache", image: "a:1", args: ["-localip", "169.254.20.10"] },
        { name: "sidecar", image: "s:1" },
      ]),
      "kubectl",
    );
    o = applied(
      o,
      ds([{ name: "node-cache", image: "a:2", args: ["-localip", "169.254.20.25"] }]),
      "kubectl",
    );
    const containers = (o.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template
      .spec.containers;
    expect(containers).toEqual([{ name: "node-cache", image: "a:2", args: ["-localip", "169.254.20.25"] }]);
    const owned = JSON.stringify(entries(o)[0]!.fieldsV1);
    expect(owned).toContain('k:{\\"name\\":\\"node-cache\\"}');
    expect(owned).not.toContain("sidecar");
  });

  it("a container image someone else changed conflicts at the container's path", () => {
    let o = applied(undefined, ds([{ name: "node-cache", image: "a:1" }]), "kubectl");
    o = updated(
      o,
      {
        ...o,
        spec: {
          ...(o.spec as object),
          template: (ds([{ name: "node-cache", image: "a:9" }]).spec as { template: unknown }).template,
        },
      },
      "nodelocal-dns-dashboard",
    );
    const err = conflictOf(() => applied(o, ds([{ name: "node-cache", image: "a:1" }]), "kubectl"));
    expect(err.message).toBe(
      'Apply failed with 1 conflict: conflict with "nodelocal-dns-dashboard" using apps/v1: .spec.template.spec.containers[name="node-cache"].image',
    );
  });

  it("keys ports by containerPort and protocol (TCP when omitted), mounts by mountPath; tolerations stay atomic", () => {
    const nodeCache = (ports: unknown[], mounts: unknown[]) => ({
      name: "node-cache",
      image: "a:1",
      ports,
      volumeMounts: mounts,
    });
    const ports = [
      { name: "dns", containerPort: 53, protocol: "UDP" },
      { name: "dns-tcp", containerPort: 53 },
    ];
    const mounts = [
      { name: "config-volume", mountPath: "/etc/coredns" },
      { name: "config-volume", mountPath: "/etc/kube-dns", subPath: "x" },
    ];
    const o = applied(undefined, ds([nodeCache(ports, mounts)]), "kubectl");
    const owned = JSON.stringify(entries(o)[0]!.fieldsV1);
    expect(owned).toContain('k:{\\"containerPort\\":53,\\"protocol\\":\\"UDP\\"}');
    expect(owned).toContain('k:{\\"containerPort\\":53,\\"protocol\\":\\"TCP\\"}');
    expect(owned).toContain('k:{\\"mountPath\\":\\"/etc/kube-dns\\"}');
    // Someone renames the TCP port; an apply of the old name conflicts at that item's path.
    const edited = structuredClone(o);
    const spec = edited.spec as { template: { spec: { containers: { ports: { name: string }[] }[] } } };
    spec.template.spec.containers[0]!.ports[1]!.name = "tcp";
    const live = updated(o, edited, "kubectl-edit");
    const err = conflictOf(() => applied(live, ds([nodeCache(ports, mounts)]), "kubectl"));
    expect(err.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.template.spec.containers[name="node-cache"].ports[containerPort=53,protocol="TCP"].name',
    );
    // Tolerations are atomic: one owned field, the applied list replacing the live one whole.
    const config = ds([nodeCache(ports, mounts)]);
    (config.spec as { template: { spec: Record<string, unknown> } }).template.spec.tolerations = [
      { operator: "Exists" },
    ];
    const tolerant = applied(o, config, "kubectl");
    const tree = entries(tolerant).find((e) => e.manager === "kubectl")!.fieldsV1;
    expect(tree["f:spec"]?.["f:template"]?.["f:spec"]?.["f:tolerations"]).toEqual({});
  });
});
