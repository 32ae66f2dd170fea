import { describe, expect, it } from "vitest";
import { formatLine, formatTimestamp, parsePodLogQuery, selectEntries } from "../../sim/k8s/pod-log-query";
import {
  chooseProtocol,
  dataFrame,
  parseClientFrame,
  parsePorts,
  portFrame,
} from "../../sim/k8s/portforward-frames";
import { backoffDelay, podStatus } from "../../sim/k8s/kubelet-status";
import { corefileSource, localIPsFromArgs } from "../../sim/k8s/kubelet";
import { initialObjects } from "../../sim/manifests";
import { ObjectStore, RESOURCES } from "../../sim/k8s/store";
import type { LogEntry } from "../../sim/runtime";

const t0 = new Date("2026-11-21T22:34:59.123Z");
const entries: LogEntry[] = [0, 1, 2, 3].map((i) => ({
  time: new Date(t0.getTime() + i * 1000),
  text: `line ${i}`,
}));

describe("pods/log query", () => {
  it("parses the PodLogOptions kubectl and client-node send", () => {
    const q = parsePodLogQuery(
      new URLSearchParams("container=node-cache&follow=true&tailLines=10&timestamps=true"),
    );
    expect(q).toMatchObject({
      container: "node-cache",
      follow: true,
      tailLines: 10,
      timestamps: true,
      previous: false,
    });
  });

  it("rejects bad values the way the API server does", () => {
    expect(() => parsePodLogQuery(new URLSearchParams("sinceTime=yesterday"))).toThrow(/RFC3339/);
    expect(() => parsePodLogQuery(new URLSearchParams("tailLines=-1"))).toThrow(/greater than or equal to 0/);
    expect(() =>
      parsePodLogQuery(new URLSearchParams("sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z")),
    ).toThrow(/at most one/);
  });

  it("applies since before tail", () => {
    const q = parsePodLogQuery(
      new URLSearchParams(`sinceTime=${new Date(t0.getTime() + 1000).toISOString()}&tailLines=2`),
    );
    expect(selectEntries(entries, q, new Date()).map((e) => e.text)).toEqual(["line 2", "line 3"]);
    expect(selectEntries(entries, parsePodLogQuery(new URLSearchParams("tailLines=0")), new Date())).toEqual(
      [],
    );
    const recent = parsePodLogQuery(new URLSearchParams("sinceSeconds=2"));
    expect(selectEntries(entries, recent, new Date(t0.getTime() + 3500)).map((e) => e.text)).toEqual([
      "line 2",
      "line 3",
    ]);
  });

  it("prefixes timestamps with nine fraction digits, stable per entry", () => {
    const e = entries[0]!;
    expect(formatTimestamp(e)).toMatch(/^2026-11-21T22:34:59\.123\d{6}Z$/);
    expect(formatTimestamp(e)).toBe(formatTimestamp({ ...e }));
    expect(formatLine(e, true)).toBe(`${formatTimestamp(e)} line 0\n`);
    expect(formatLine(e, false)).toBe("line 0\n");
    // Lines of one millisecond keep their order.
    const stamps = [0, 1, 2, 3, 4].map((n) => formatTimestamp(e, n));
    expect([...stamps].sort()).toEqual(stamps);
    expect(new Set(stamps).size).toBe(5);
  });
});

describe("port-forward framing", () => {
  it("answers with a subprotocol the client offered, preferring v4", () => {
    expect(chooseProtocol(["v5.channel.k8s.io", "v4.channel.k8s.io", "channel.k8s.io"])).toBe(
      "v4.channel.k8s.io",
    );
    expect(chooseProtocol(["portforward.k8s.io"])).toBe("portforward.k8s.io");
    expect(chooseProtocol(["v5.channel.k8s.io"])).toBe("v5.channel.k8s.io");
    expect(chooseProtocol(["base64.channel.k8s.io"])).toBeUndefined();
  });

  it("frames the port as 2 bytes little-endian after the channel byte", () => {
    expect([...portFrame(0, 9253)]).toEqual([0, 9253 & 0xff, 9253 >> 8]);
    expect([...portFrame(3, 8080)]).toEqual([3, 0x90, 0x1f]);
    expect([...dataFrame(2, "hi")]).toEqual([2, 104, 105]);
  });

  it("reads client frames, including v5 close", () => {
    expect(parseClientFrame(Buffer.from([0, 1, 2]))).toEqual({
      kind: "data",
      channel: 0,
      payload: Buffer.from([1, 2]),
    });
    expect(parseClientFrame(Buffer.from([255, 0]))).toEqual({ kind: "close", channel: 0 });
    expect(parseClientFrame(Buffer.alloc(0))).toEqual({ kind: "empty" });
  });

  it("parses ?ports=", () => {
    expect(parsePorts(new URLSearchParams("ports=9253"))).toEqual([9253]);
    expect(parsePorts(new URLSearchParams("ports=9253,8080"))).toEqual([9253, 8080]);
    expect(parsePorts(new URLSearchParams("ports=x"))).toMatch(/unable to parse/);
  });
});

describe("kubelet", () => {
  const ds = initialObjects({ addressBase: 1, nodes: 1 }).find((o) => o.kind === "DaemonSet")!;
  const podLike = { ...ds, spec: (ds.spec as { template: { spec: unknown } }).template.spec };

  it("finds the mounted Corefile and -localip in the upstream DaemonSet template", () => {
    expect(corefileSource(podLike)).toEqual({ configMap: "node-local-dns", key: "Corefile" });
    const args = (podLike.spec as { containers: { args: string[] }[] }).containers[0]!.args;
    expect(localIPsFromArgs(args)).toEqual(["169.254.20.10", "10.96.0.10"]);
  });

  it("restarts the first exit at once, then backs off 10s, 20s, 40s... capped at 5 minutes", () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, 10_000, 300_000))).toEqual([
      0, 10_000, 20_000, 40_000, 80_000, 300_000,
    ]);
  });

  it("reports CrashLoopBackOff and the last exit like a kubelet", () => {
    const status = podStatus({
      podName: "node-local-dns-abcde",
      namespace: "kube-system",
      podUid: "uid-1",
      nodeIP: "127.1.0.1",
      podIP: "127.1.0.1",
      startTime: t0,
      scheduledAt: t0,
      readySince: t0,
      container: {
        name: "node-cache",
        image: "registry.k8s.io/dns/k8s-dns-node-cache:1.26.4",
        containerID: "containerd://abc",
        restartCount: 1,
        phase: { kind: "backoff", delayMs: 20_000 },
        lastTerminated: {
          exitCode: 1,
          reason: "Error",
          startedAt: t0,
          finishedAt: t0,
          containerID: "containerd://abc",
        },
      },
    }) as {
      phase: string;
      containerStatuses: Record<string, unknown>[];
      conditions: { type: string; status: string }[];
    };
    expect(status.phase).toBe("Running");
    expect(status.containerStatuses[0]).toMatchObject({
      ready: false,
      restartCount: 1,
      started: false,
      state: {
        waiting: {
          reason: "CrashLoopBackOff",
          message:
            "back-off 20s restarting failed container=node-cache pod=node-local-dns-abcde_kube-system(uid-1)",
        },
      },
      lastState: { terminated: { exitCode: 1, reason: "Error" } },
    });
    expect(status.conditions.find((c) => c.type === "Ready")?.status).toBe("False");
  });
});

describe("initial objects", () => {
  it("hold the addon after the sed step, N nodes with their InternalIP, and the Services", () => {
    const objs = initialObjects({ addressBase: 80, nodes: 3 });
    const cm = objs.find((o) => o.kind === "ConfigMap" && o.metadata.name === "node-local-dns")!;
    expect(cm.metadata.labels).toEqual({ "addonmanager.kubernetes.io/mode": "Reconcile" });
    const corefile = (cm.data as { Corefile: string }).Corefile;
    expect(corefile).toContain("cluster.local:53 {");
    expect(corefile).toContain("bind 169.254.20.10 10.96.0.10");
    expect(corefile).toContain("forward . __PILLAR__CLUSTER__DNS__ {");
    expect(corefile).toContain("forward . __PILLAR__UPSTREAM__SERVERS__");
    const nodes = objs.filter((o) => o.kind === "Node");
    expect(nodes.map((n) => n.metadata.name)).toEqual(["node-1", "node-2", "node-3"]);
    expect((nodes[1]!.status as { addresses: { type: string; address: string }[] }).addresses[0]).toEqual({
      type: "InternalIP",
      address: "127.80.0.2",
    });
    const upstream = objs.find((o) => o.kind === "Service" && o.metadata.name === "kube-dns-upstream")!;
    expect((upstream.spec as { clusterIP: string }).clusterIP).toBe("10.96.0.11");
    // The upstream strategy as written (no type); the API server's defaulting completes it on create.
    const ds = objs.find((o) => o.kind === "DaemonSet")!;
    expect((ds.spec as { updateStrategy: unknown }).updateStrategy).toEqual({
      rollingUpdate: { maxUnavailable: "10%" },
    });
    const stored = new ObjectStore().create(RESOURCES.daemonsets, structuredClone(ds));
    expect((stored.spec as { updateStrategy: unknown }).updateStrategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: "10%", maxSurge: 0 },
    });
  });
});
