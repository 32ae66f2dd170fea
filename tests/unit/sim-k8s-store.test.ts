import { describe, expect, it } from "vitest";
import { ObjectStore, RESOURCES, StoreError, type KubeObject, type WatchEvent } from "@/sim/k8s/store";
import { defaultDaemonSetSpec } from "@/sim/k8s/strategy";
import { SERVER_VERSION } from "@/sim/k8s/discovery";

const cm = (
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "kube-system", labels },
  data,
});

const ds = (): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "node-local-dns", namespace: "kube-system" },
  spec: {
    selector: { matchLabels: { "k8s-app": "node-local-dns" } },
    template: {
      metadata: { labels: { "k8s-app": "node-local-dns" } },
      spec: { containers: [{ name: "node-cache", image: "registry.k8s.io/dns/k8s-dns-node-cache:1.22.28" }] },
    },
  },
});

function caught(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreError) return err;
    throw err;
  }
  throw new Error("expected a StoreError");
}

describe("ObjectStore", () => {
  it("assigns uid, creationTimestamp and increasing resourceVersions from one global counter", () => {
    const s = new ObjectStore({ now: () => new Date("2025-01-02T03:04:05.678Z") });
    const a = s.create(RESOURCES.configmaps, cm("a"));
    const n = s.create(RESOURCES.namespaces, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "kube-system" },
    });
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toBe("2025-01-02T03:04:05Z");
    expect(Number(n.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(s.resourceVersion()).toBe(n.metadata.resourceVersion);
    expect(a.metadata.generation).toBeUndefined();
    expect(n.status).toEqual({ phase: "Active" });
    expect(caught(() => s.create(RESOURCES.configmaps, cm("a"))).status).toBe(409);
    expect(caught(() => s.create(RESOURCES.configmaps, cm("a"))).message).toBe(
      'configmaps "a" already exists',
    );
  });

  it("generates names from generateName and rejects objects without a name", () => {
    const s = new ObjectStore();
    const p = s.create(RESOURCES.pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "", generateName: "node-local-dns-", namespace: "kube-system" },
      spec: { containers: [] },
    });
    expect(p.metadata.name).toMatch(/^node-local-dns-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(p.status).toMatchObject({ phase: "Pending" });
    expect(caught(() => s.create(RESOURCES.configmaps, cm(""))).status).toBe(422);
  });

  it("rejects a stale resourceVersion with the real Conflict message, and bumps generation only on spec changes", () => {
    const s = new ObjectStore();
    const created = s.create(RESOURCES.daemonsets, ds());
    expect(created.metadata.generation).toBe(1);
    const labelled = s.mutate(RESOURCES.daemonsets, "kube-system", "node-local-dns", (o) => {
      o.metadata.labels = { a: "b" };
    });
    expect(labelled.metadata.generation).toBe(1);
    const changed = s.mutate(RESOURCES.daemonsets, "kube-system", "node-local-dns", (o) => {
      (
        o.spec as { template: { metadata: { annotations?: Record<string, string> } } }
      ).template.metadata.annotations = { restartedAt: "now" };
    });
    expect(changed.metadata.generation).toBe(2);
    const err = caught(() => s.update(RESOURCES.daemonsets, created));
    expect(err.status).toBe(409);
    expect(err.message).toBe(
      'Operation cannot be fulfilled on daemonsets.apps "node-local-dns": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it("keeps status on main writes and changes only status on status writes", () => {
    const s = new ObjectStore();
    s.create(RESOURCES.daemonsets, ds());
    const st = s.mutate(
      RESOURCES.daemonsets,
      "kube-system",
      "node-local-dns",
      (o) => {
        o.status = {
          desiredNumberScheduled: 3,
          numberReady: 3,
          currentNumberScheduled: 3,
          numberMisscheduled: 0,
        };
        o.metadata.labels = { ignored: "yes" };
      },
      { subresource: "status" },
    );
    expect(st.status).toMatchObject({ desiredNumberScheduled: 3 });
    expect(st.metadata.labels).toBeUndefined();
    const main = s.mutate(RESOURCES.daemonsets, "kube-system", "node-local-dns", (o) => {
      o.status = { desiredNumberScheduled: 99 };
    });
    expect(main.status).toMatchObject({ desiredNumberScheduled: 3 });
    expect(main.metadata.resourceVersion).toBe(st.metadata.resourceVersion); // nothing changed: no new version
  });

  it("lists with label and field selectors in key order", () => {
    const s = new ObjectStore();
    s.create(RESOURCES.configmaps, cm("b", {}, { app: "x", tier: "1" }));
    s.create(RESOURCES.configmaps, cm("a", {}, { app: "y" }));
    s.create(RESOURCES.configmaps, { ...cm("c"), metadata: { name: "c", namespace: "default" } });
    const names = (o: { items: KubeObject[] }) => o.items.map((i) => i.metadata.name);
    expect(names(s.list(RESOURCES.configmaps, undefined))).toEqual(["c", "a", "b"]);
    expect(names(s.list(RESOURCES.configmaps, "kube-system"))).toEqual(["a", "b"]);
    expect(names(s.list(RESOURCES.configmaps, undefined, { labelSelector: "app in (x,y),!tier" }))).toEqual([
      "a",
    ]);
    expect(
      names(
        s.list(RESOURCES.configmaps, undefined, {
          fieldSelector: "metadata.name!=a,metadata.namespace=kube-system",
        }),
      ),
    ).toEqual(["b"]);
    expect(
      caught(() => s.list(RESOURCES.configmaps, undefined, { fieldSelector: "spec.nodeName=x" })).message,
    ).toBe("field label not supported: spec.nodeName");
  });

  it("watches: initial ADDED without a version, replay after a version, selector transitions, 410 after compaction", () => {
    const s = new ObjectStore({ watchWindow: 3 });
    s.create(RESOURCES.configmaps, cm("a", {}, { app: "x" }));
    const events: string[] = [];
    const stop = s.watch(
      RESOURCES.configmaps,
      "kube-system",
      undefined,
      { labelSelector: "app=x" },
      (e: WatchEvent) =>
        events.push(`${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`),
    );
    expect(events).toEqual(["ADDED a 1"]);
    s.mutate(RESOURCES.configmaps, "kube-system", "a", (o) => {
      o.data = { k: "v" };
    });
    s.mutate(RESOURCES.configmaps, "kube-system", "a", (o) => {
      o.metadata.labels = { app: "z" };
    });
    s.create(RESOURCES.configmaps, cm("b", {}, { app: "x" }));
    s.delete(RESOURCES.configmaps, "kube-system", "b");
    stop();
    s.create(RESOURCES.configmaps, cm("c", {}, { app: "x" }));
    expect(events).toEqual(["ADDED a 1", "MODIFIED a 2", "DELETED a 3", "ADDED b 4", "DELETED b 5"]);

    const replay: string[] = [];
    s.watch(RESOURCES.configmaps, undefined, "4", {}, (e) =>
      replay.push(`${e.type} ${e.object.metadata.name}`),
    );
    expect(replay).toEqual(["DELETED b", "ADDED c"]);
    const gone = caught(() => s.watch(RESOURCES.configmaps, undefined, "1", {}, () => undefined));
    expect([gone.status, gone.reason]).toEqual([410, "Expired"]);
    expect(gone.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
  });

  it("delivers events written from inside a watch callback in order", () => {
    const s = new ObjectStore();
    const seen: string[] = [];
    s.watch(RESOURCES.configmaps, undefined, undefined, {}, (e) => {
      if (e.object.metadata.name === "a" && e.type === "ADDED") s.create(RESOURCES.configmaps, cm("b"));
    });
    s.watch(RESOURCES.configmaps, undefined, undefined, {}, (e) =>
      seen.push(`${e.type} ${e.object.metadata.name}`),
    );
    s.create(RESOURCES.configmaps, cm("a"));
    expect(seen).toEqual(["ADDED a", "ADDED b"]);
  });

  it("marks graceful deletion before the final delete, and copies out so callers cannot corrupt state", () => {
    const s = new ObjectStore({ now: () => new Date("2025-01-01T00:00:00Z") });
    s.create(RESOURCES.pods, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "kube-system" },
      spec: { containers: [{ name: "c", image: "i:1" }] },
    });
    const marked = s.markDeleting(RESOURCES.pods, "kube-system", "p", 30);
    expect(marked.metadata.deletionTimestamp).toBe("2025-01-01T00:00:30Z");
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
    marked.metadata.name = "changed";
    expect(s.get(RESOURCES.pods, "kube-system", "p")?.metadata.deletionGracePeriodSeconds).toBe(30);
    s.delete(RESOURCES.pods, "kube-system", "p");
    expect(s.get(RESOURCES.pods, "kube-system", "p")).toBeUndefined();
    expect(caught(() => s.delete(RESOURCES.pods, "kube-system", "p")).message).toBe('pods "p" not found');
  });

  it("fills pod and DaemonSet defaults the way the API server does", () => {
    const s = new ObjectStore();
    const d = s.create(RESOURCES.daemonsets, ds());
    expect(d.spec).toMatchObject({
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    });
    expect(d.status).toEqual({
      currentNumberScheduled: 0,
      numberMisscheduled: 0,
      desiredNumberScheduled: 0,
      numberReady: 0,
    });
    expect(JSON.stringify(d.spec)).toContain('"imagePullPolicy":"IfNotPresent"');
  });

  it("defaults a DaemonSet's strategy as SetDefaults_DaemonSet does for the advertised version (1.32)", () => {
    const spec = (us: unknown) => {
      const o: Record<string, unknown> = us === undefined ? {} : { updateStrategy: us };
      defaultDaemonSetSpec(o);
      return o;
    };
    expect(SERVER_VERSION.minor).toBe("32");
    // node-local-dns's upstream manifest: a rollingUpdate without a type.
    expect(spec({ rollingUpdate: { maxUnavailable: "10%" } })).toEqual({
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%", maxSurge: 0 } },
      revisionHistoryLimit: 10,
    });
    expect(spec({ type: "OnDelete" })).toEqual({
      updateStrategy: { type: "OnDelete" },
      revisionHistoryLimit: 10,
    });
    expect(spec({ type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } })).toEqual({
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
      revisionHistoryLimit: 10,
    });
    // Before DaemonSetUpdateSurge was on by default (1.22) no maxSurge is stored: what a real 1.20 showed.
    const old: Record<string, unknown> = { updateStrategy: { rollingUpdate: { maxUnavailable: "10%" } } };
    defaultDaemonSetSpec(old, 20);
    expect(old.updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } });
    const withLimit: Record<string, unknown> = { revisionHistoryLimit: 3 };
    defaultDaemonSetSpec(withLimit);
    expect(withLimit.revisionHistoryLimit).toBe(3);
  });

  it("an update removing the last finalizer of an object being deleted deletes it", () => {
    const s = new ObjectStore();
    s.create(RESOURCES.configmaps, {
      ...cm("held"),
      metadata: { name: "held", namespace: "kube-system", finalizers: ["example.com/keep"] },
    });
    s.markDeleting(RESOURCES.configmaps, "kube-system", "held", 0);
    const seen: string[] = [];
    s.watch(RESOURCES.configmaps, "kube-system", s.resourceVersion(), {}, (e) => seen.push(e.type));
    s.mutate(RESOURCES.configmaps, "kube-system", "held", (o) => {
      o.metadata.finalizers = [];
    });
    expect(s.get(RESOURCES.configmaps, "kube-system", "held")).toBeUndefined();
    expect(seen).toEqual(["DELETED"]);
  });
});
