import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PodEventsReader } from "@/lib/k8s/pod-events";

// A stand-in API server that answers the one list the reader makes and records what it was asked.
let server: Server;
let kc: KubeConfig;
const asked: string[] = [];
let forbid = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url ?? "");
    res.setHeader("content-type", "application/json");
    if (forbid) {
      res.statusCode = 403;
      res.end(
        JSON.stringify({
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          reason: "Forbidden",
          code: 403,
          message:
            'events is forbidden: User "system:serviceaccount:kube-system:d" cannot list resource "events" in API group "" in the namespace "kube-system"',
        }),
      );
      return;
    }
    res.end(
      JSON.stringify({
        kind: "EventList",
        apiVersion: "v1",
        metadata: { resourceVersion: "1" },
        items: [
          {
            metadata: { name: "p.1", namespace: "kube-system" },
            involvedObject: { kind: "Pod", name: "p" },
            reason: "Pulled",
            message: "Container image already present on machine",
            type: "Normal",
            count: 1,
            firstTimestamp: "2026-01-01T10:00:01Z",
            lastTimestamp: "2026-01-01T10:00:01Z",
            source: { component: "kubelet", host: "node-1" },
          },
          {
            metadata: { name: "p.2", namespace: "kube-system" },
            involvedObject: { kind: "Pod", name: "p" },
            reason: "Started",
            message: "Started container node-cache",
            type: "Normal",
            count: 1,
            firstTimestamp: "2026-01-01T10:00:02Z",
            lastTimestamp: "2026-01-01T10:00:02Z",
            source: { component: "kubelet", host: "node-1" },
          },
        ],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("PodEventsReader", () => {
  it("lists one pod's Events by field selector, newest first, and reuses the answer for its TTL", async () => {
    asked.length = 0;
    forbid = false;
    let now = 1_000_000;
    const reader = new PodEventsReader(kc, "kube-system", 10_000, () => now);
    const [a, b] = await Promise.all([reader.read("p"), reader.read("p")]);
    expect(a).toBe(await b);
    expect(a.problem).toBeNull();
    expect(a.events.map((e) => e.reason)).toEqual(["Started", "Pulled"]);
    expect(asked).toHaveLength(1);
    const url = new URL(asked[0]!, "http://x");
    expect(url.pathname).toBe("/api/v1/namespaces/kube-system/events");
    expect(url.searchParams.get("fieldSelector")).toBe("involvedObject.kind=Pod,involvedObject.name=p");

    now += 9_999;
    await reader.read("p");
    expect(asked).toHaveLength(1);
    await reader.read("q");
    expect(asked).toHaveLength(2);
    now += 1;
    await reader.read("p");
    expect(asked).toHaveLength(3);
  });

  it("says what RBAC refused instead of throwing, and asks again only after the TTL", async () => {
    asked.length = 0;
    forbid = true;
    let now = 0;
    const reader = new PodEventsReader(kc, "kube-system", 10_000, () => now);
    const r = await reader.read("p");
    expect(r.events).toEqual([]);
    expect(r.problem?.status).toBe(403);
    expect(r.problem?.message).toMatch(
      /cannot list events in kube-system: .*forbidden.*Add "list" on "events"/,
    );
    await reader.read("p");
    expect(asked).toHaveLength(1);
    now = 10_000;
    forbid = false;
    expect((await reader.read("p")).problem).toBeNull();
  });
});
