import { describe, expect, it } from "vitest";
import { StoreError } from "@/sim/k8s/errors";
import { parseRequestInfo } from "@/sim/k8s/request-info";
import { RESOURCES } from "@/sim/k8s/resources";
import { checkDecodable, validateObject } from "@/sim/k8s/validation";
import { humanDuration } from "@/sim/k8s/duration";
import { podReadyAndStatus } from "@/sim/k8s/tables-pods";
import { apiResourceList } from "@/sim/k8s/discovery";
import { unknownFields } from "@/sim/k8s/field-validation";
import type { KubeObject } from "@/sim/k8s/types";

const q = (s = "") => new URLSearchParams(s);

function caught(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreError) return err;
    throw err;
  }
  throw new Error("expected a StoreError");
}

describe("request info", () => {
  it("derives verb, namespace, resource, subresource and name like the RequestInfoFactory", () => {
    expect(parseRequestInfo("GET", "/api/v1/namespaces/kube-system/pods", q())).toMatchObject({
      isResourceRequest: true,
      verb: "list",
      namespace: "kube-system",
      resource: "pods",
    });
    expect(parseRequestInfo("GET", "/api/v1/pods", q("watch=1"))).toMatchObject({
      verb: "watch",
      namespace: undefined,
      resource: "pods",
    });
    expect(parseRequestInfo("GET", "/api/v1/namespaces/ns/pods/p/log", q())).toMatchObject({
      verb: "get",
      name: "p",
      subresource: "log",
    });
    expect(parseRequestInfo("PATCH", "/apis/apps/v1/namespaces/ns/daemonsets/d/status", q())).toMatchObject({
      verb: "patch",
      group: "apps",
      subresource: "status",
    });
    expect(parseRequestInfo("DELETE", "/api/v1/namespaces/ns/configmaps", q())).toMatchObject({
      verb: "deletecollection",
    });
    expect(parseRequestInfo("GET", "/api/v1/namespaces/kube-system", q())).toMatchObject({
      resource: "namespaces",
      name: "kube-system",
      namespace: "kube-system",
    });
    expect(parseRequestInfo("PUT", "/api/v1/namespaces/x/status", q())).toMatchObject({
      resource: "namespaces",
      name: "x",
      subresource: "status",
    });
    expect(parseRequestInfo("GET", "/api/v1/namespaces/ns/pods/p:9253/proxy/metrics", q())).toMatchObject({
      name: "p",
      proxyPort: "9253",
      subresource: "proxy",
      rest: ["metrics"],
    });
    expect(parseRequestInfo("GET", "/healthz", q())).toEqual({
      isResourceRequest: false,
      path: "/healthz",
      verb: "get",
    });
    expect(parseRequestInfo("GET", "/apis/apps/v1", q())).toMatchObject({ isResourceRequest: false });
  });
});

describe("decoding and validation", () => {
  it("400 for bodies the decoder cannot read", () => {
    expect(
      caught(() =>
        checkDecodable(RESOURCES.configmaps, {
          kind: "ConfigMap",
          apiVersion: "v1",
          metadata: { name: "x" },
          data: { a: 1 },
        }),
      ).message,
    ).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string',
    );
    expect(
      caught(() =>
        checkDecodable(RESOURCES.configmaps, { apiVersion: "apps/v1", kind: "ConfigMap", metadata: {} }),
      ).status,
    ).toBe(400);
    expect(caught(() => checkDecodable(RESOURCES.configmaps, [])).status).toBe(400);
  });

  it("422 with the validators' wording", () => {
    const cm = (o: Partial<KubeObject>): KubeObject => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "x" },
      ...o,
    });
    expect(
      caught(() => validateObject(RESOURCES.configmaps, cm({ metadata: { name: "" } }), { creating: true }))
        .message,
    ).toBe('ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
    expect(
      caught(() =>
        validateObject(RESOURCES.configmaps, cm({ metadata: { name: "Bad_Name" } }), { creating: true }),
      ).message,
    ).toMatch(
      /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
    expect(
      caught(() => validateObject(RESOURCES.configmaps, cm({ data: { "bad key": "v" } }), { creating: true }))
        .details?.causes?.[0]?.field,
    ).toBe("data[bad key]");
    const ds: KubeObject = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "d" },
      spec: { template: { spec: { containers: [{ name: "c" }] } } },
    };
    const err = caught(() => validateObject(RESOURCES.daemonsets, ds, { creating: true }));
    expect(err.message).toBe(
      'DaemonSet.apps "d" is invalid: [spec.selector: Required value, spec.template.spec.containers[0].image: Required value]',
    );
    const good = (sel: string): KubeObject => ({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "d" },
      spec: {
        selector: { matchLabels: { app: sel } },
        template: { metadata: { labels: { app: sel } }, spec: { containers: [{ name: "c", image: "i" }] } },
      },
    });
    expect(() => validateObject(RESOURCES.daemonsets, good("a"), { creating: true })).not.toThrow();
    expect(
      caught(() => validateObject(RESOURCES.daemonsets, good("b"), { creating: false, old: good("a") }))
        .message,
    ).toContain("spec.selector: Invalid value");
  });
});

describe("printing", () => {
  it("formats ages like kubectl's HumanDuration", () => {
    const s = 1000;
    expect(
      [
        5 * s,
        119 * s,
        150 * s,
        600 * s,
        3 * 3600 * s + 5 * 60 * s,
        30 * 3600 * s,
        50 * 3600 * s,
        400 * 86400 * s,
      ].map(humanDuration),
    ).toEqual(["5s", "119s", "2m30s", "10m", "3h5m", "30h", "2d2h", "400d"]);
  });

  it("derives pod READY/STATUS/RESTARTS like printPod", () => {
    const now = new Date("2025-01-01T01:00:00Z");
    const pod = (status: unknown, meta: Partial<KubeObject["metadata"]> = {}): KubeObject => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", creationTimestamp: "2025-01-01T00:00:00Z", ...meta },
      spec: { nodeName: "n1", containers: [{ name: "c" }] },
      status,
    });
    const crash = pod({
      phase: "Running",
      podIP: "127.70.0.1",
      containerStatuses: [
        {
          name: "c",
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: { terminated: { finishedAt: "2025-01-01T00:55:00Z" } },
        },
      ],
    });
    expect(podReadyAndStatus(crash, now)).toEqual([
      "p",
      "0/1",
      "CrashLoopBackOff",
      "3 (5m ago)",
      "60m",
      "127.70.0.1",
      "n1",
      "<none>",
      "<none>",
    ]);
    const running = pod(
      {
        phase: "Running",
        containerStatuses: [{ name: "c", ready: true, restartCount: 0, state: { running: {} } }],
      },
      { deletionTimestamp: "2025-01-01T01:00:30Z" },
    );
    expect(podReadyAndStatus(running, now).slice(1, 3)).toEqual(["1/1", "Terminating"]);
  });

  it("lists subresources in discovery, as kubectl expects", () => {
    const list = apiResourceList("", "v1") as {
      resources: { name: string; kind: string; verbs: string[] }[];
    };
    expect(list.resources.find((r) => r.name === "pods/log")).toMatchObject({ kind: "Pod", verbs: ["get"] });
    expect(list.resources.find((r) => r.name === "pods/portforward")).toMatchObject({
      kind: "PodPortForwardOptions",
    });
    expect(list.resources.find((r) => r.name === "configmaps")).toMatchObject({ kind: "ConfigMap" });
  });
});

describe("field validation", () => {
  it("names unknown top-level and metadata fields", () => {
    expect(
      unknownFields(RESOURCES.configmaps, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "x", lables: {} },
        datta: {},
      }),
    ).toEqual(['unknown field "datta"', 'unknown field "metadata.lables"']);
    expect(
      unknownFields(RESOURCES.daemonsets, {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: "d" },
        spec: {},
        status: {},
      }),
    ).toEqual([]);
  });
});
