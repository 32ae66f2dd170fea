/**
 * The dashboard's ConfigMap watch (lib/k8s/configmap-watch.ts) against the simulated API server: every
 * version of the one ConfigMap in order, nothing of other ConfigMaps, and a watch resumed from a
 * version that left the server's window (410 Expired) answered by listing again — no change lost.
 */
import type { V1ConfigMap } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESOURCES } from "@/sim/k8s/store";
import { TEST_NS, startTestApiServer, type TestApiServer } from "@/sim/k8s/testing";
import { ConfigMapWatch } from "@/lib/k8s/configmap-watch";
import { waitFor } from "../support/ports";

let t: TestApiServer;
beforeAll(async () => {
  // A window of 5 changes: a watch that is away for more than that must list again.
  t = await startTestApiServer({ base: 78, watchWindow: 5 });
});
afterAll(async () => {
  await t?.close();
});

const setValue = (name: string, value: string) =>
  t.store.mutate(
    RESOURCES.configmaps,
    TEST_NS,
    name,
    (o) => void (o.data = { ...(o.data as object), value }),
  );

describe("ConfigMapWatch", () => {
  it("delivers the listed object, then each version of that ConfigMap only, in order", async () => {
    t.store.create(RESOURCES.configmaps, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "other", namespace: TEST_NS },
      data: {},
    });
    const seen: { value: string | undefined; listed: boolean }[] = [];
    const w = new ConfigMapWatch(
      t.admin,
      { namespace: TEST_NS, name: "node-local-dns" },
      {
        onObject: (cm: V1ConfigMap, listed) => void seen.push({ value: cm.data?.value, listed }),
      },
    );
    await w.start();
    try {
      for (const v of ["1", "2", "3"]) {
        setValue("other", v);
        setValue("node-local-dns", v);
      }
      await waitFor("three versions", () => (seen.length >= 4 ? true : undefined));
      expect(seen).toEqual([
        { value: undefined, listed: true },
        { value: "1", listed: false },
        { value: "2", listed: false },
        { value: "3", listed: false },
      ]);
    } finally {
      await w.stop();
    }
  });

  it("a resume from a version outside the window (410) lists again and carries on", async () => {
    const seen: { value: string | undefined; listed: boolean }[] = [];
    // The server ends each watch after a second; the watch resumes from the last version it saw.
    const w = new ConfigMapWatch(
      t.admin,
      { namespace: TEST_NS, name: "node-local-dns" },
      { onObject: (cm: V1ConfigMap, listed) => void seen.push({ value: cm.data?.value, listed }) },
      { watchTimeoutSeconds: 1 },
    );
    await w.start();
    try {
      // Our change, then many writes elsewhere (the watch filters them out): the last version it saw
      // falls out of the 5-change window before the watch ends and resumes from it.
      setValue("node-local-dns", "before-410");
      for (let i = 0; i < 20; i++) setValue("other", `x${i}`);
      await waitFor(
        "the re-list after 410",
        () => (seen.filter((s) => s.listed).length >= 2 ? seen : undefined),
        10_000,
      );
      setValue("node-local-dns", "after");
      await waitFor(
        "the next change",
        () => (seen.some((s) => s.value === "after") ? true : undefined),
        10_000,
      );
      const values = seen.map((s) => s.value);
      expect(values).toContain("before-410");
      expect(seen.filter((s) => s.listed).map((s) => s.value)).toEqual(["3", "before-410"]);
      expect(values.at(-1)).toBe("after");
    } finally {
      await w.stop();
    }
  });
});
