import { describe, expect, it } from "vitest";
import { fieldManagerOf, updateManagedFields, type ManagedFieldsEntry } from "@/sim/k8s/managed-fields";
import { StoreError } from "@/sim/k8s/errors";
import type { KubeObject } from "@/sim/k8s/types";

const cm = (data: Record<string, string>, extra: Partial<KubeObject["metadata"]> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "node-local-dns", namespace: "kube-system", uid: "u", resourceVersion: "7", ...extra },
  data,
});
const t0 = new Date("2026-01-01T10:00:00.400Z");
const t1 = new Date("2026-01-01T10:05:00.900Z");

function write(old: KubeObject | undefined, next: KubeObject, manager: string, now: Date): KubeObject {
  const managedFields = updateManagedFields(old, next, { manager, operation: "Update", now });
  return { ...next, metadata: { ...next.metadata, managedFields } };
}

const entries = (o: KubeObject) => o.metadata.managedFields as ManagedFieldsEntry[];

describe("fieldManagerOf (apiserver's fieldmanager: the query parameter, else the User-Agent prefix)", () => {
  it("takes ?fieldManager= as given", () => {
    expect(fieldManagerOf(new URLSearchParams("fieldManager=kubectl-replace"), "kubectl/v1.32.0")).toBe(
      "kubectl-replace",
    );
  });
  it("without it, the User-Agent up to its first '/' (prefixFromUserAgent)", () => {
    expect(fieldManagerOf(new URLSearchParams(), "kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9")).toBe(
      "kubectl",
    );
    expect(fieldManagerOf(new URLSearchParams(), "node-fetch")).toBe("node-fetch");
  });
  it("refuses a fieldManager longer than 128 characters with 422", () => {
    let err: unknown;
    try {
      fieldManagerOf(new URLSearchParams({ fieldManager: "x".repeat(129) }), undefined);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).status).toBe(422);
  });
});

describe("updateManagedFields", () => {
  it("a create gives the creator every field it set, as FieldsV1, with operation Update and the time in seconds", () => {
    const created = write(undefined, cm({ Corefile: "a" }, { labels: { app: "x" } }), "kubectl-create", t0);
    expect(entries(created)).toEqual([
      {
        manager: "kubectl-create",
        operation: "Update",
        apiVersion: "v1",
        time: "2026-01-01T10:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:data": { ".": {}, "f:Corefile": {} },
          "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
        },
      },
    ]);
  });

  it("an update takes the fields it changed from their previous owner; unchanged fields stay", () => {
    const created = write(undefined, cm({ Corefile: "a" }, { labels: { app: "x" } }), "kubectl-create", t0);
    const replaced = write(created, { ...created, data: { Corefile: "b" } }, "kubectl-replace", t1);
    const [first, second] = entries(replaced);
    expect(first?.manager).toBe("kubectl-create");
    expect(first?.fieldsV1).toEqual({
      "f:data": { ".": {} },
      "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
    });
    expect(second).toMatchObject({
      manager: "kubectl-replace",
      time: "2026-01-01T10:05:00Z",
      fieldsV1: { "f:data": { "f:Corefile": {} } },
    });
  });

  it("a write that changes nothing changes no entry (and keeps the old time)", () => {
    const created = write(undefined, cm({ Corefile: "a" }), "kubectl-create", t0);
    const again = write(created, structuredClone(created), "other", t1);
    expect(entries(again)).toEqual(entries(created));
  });

  it("a removed field leaves every entry; an entry left with nothing is dropped", () => {
    const created = write(undefined, cm({ Corefile: "a", extra: "1" }), "one", t0);
    const added = write(created, { ...created, data: { Corefile: "a", extra: "2" } }, "two", t1);
    expect(entries(added).map((e) => e.manager)).toEqual(["one", "two"]);
    const removed = write(added, { ...added, data: { Corefile: "a" } }, "three", t1);
    expect(entries(removed).map((e) => e.manager)).toEqual(["one"]);
  });

  it("managedFields sent that differ from the live ones are taken as given; [{}] clears them", () => {
    const created = write(undefined, cm({ Corefile: "a" }), "one", t0);
    const cleared = updateManagedFields(
      created,
      { ...created, metadata: { ...created.metadata, managedFields: [{}] } },
      { manager: "two", operation: "Update", now: t1 },
    );
    expect(cleared).toBeUndefined();
  });

  it("lists of named objects are keyed by name", () => {
    const ds: KubeObject = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "d" },
      spec: { template: { spec: { containers: [{ name: "node-cache", image: "i" }] } } },
    };
    const [e] = updateManagedFields(undefined, ds, { manager: "m", operation: "Update", now: t0 })!;
    expect(e?.fieldsV1).toEqual({
      "f:spec": {
        "f:template": {
          "f:spec": {
            "f:containers": { 'k:{"name":"node-cache"}': { ".": {}, "f:name": {}, "f:image": {} } },
          },
        },
      },
    });
  });
});
