/**
 * Authentication and authorization of the simulated API server through @kubernetes/client-node 1.4:
 * 401s, RBAC denials with the real messages, anonymous health checks, impersonation, SSAR.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthorizationV1Api, CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { TEST_NS, failure, startTestApiServer, type TestApiServer } from "@/sim/k8s/testing";

let t: TestApiServer;
beforeAll(async () => {
  t = await startTestApiServer();
});
afterAll(async () => {
  await t?.close();
});

describe("authentication and authorization", () => {
  it("answers 401 without a token and with an unknown token", async () => {
    const res = await fetch(`${t.server.url}/api/v1/namespaces/${TEST_NS}/pods`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Unauthorized",
      reason: "Unauthorized",
      code: 401,
    });
    const bad = await failure(
      t.config("nope").makeApiClient(CoreV1Api).listNamespacedPod({ namespace: TEST_NS }),
    );
    expect(bad.code).toBe(401);
  });

  it("serves health and version to anonymous callers, nothing else", async () => {
    expect(await (await fetch(`${t.server.url}/readyz`)).text()).toBe("ok");
    expect(
      ((await (await fetch(`${t.server.url}/version`)).json()) as { gitVersion: string }).gitVersion,
    ).toBe("v1.32.4");
    expect((await fetch(`${t.server.url}/api`)).status).toBe(401);
  });

  it("impersonates only when RBAC allows it", async () => {
    const asJane = { headers: { Authorization: "Bearer admin-token", "Impersonate-User": "jane" } };
    expect((await fetch(`${t.server.url}/api/v1/namespaces/${TEST_NS}/configmaps`, asJane)).status).toBe(403);
    expect((await fetch(`${t.server.url}/api/v1/namespaces/${TEST_NS}/pods`, asJane)).status).toBe(200);
    const res = await fetch(`${t.server.url}/api/v1/namespaces/${TEST_NS}/pods`, {
      headers: { Authorization: "Bearer jane-token", "Impersonate-User": "admin" },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toBe(
      'users "admin" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });

  it("answers 403 with the real message for a user lacking RBAC", async () => {
    const core = t.jane.makeApiClient(CoreV1Api);
    expect((await core.listNamespacedPod({ namespace: TEST_NS })).items).toHaveLength(1);
    const list = await failure(core.listNamespacedConfigMap({ namespace: TEST_NS }));
    expect(list.code).toBe(403);
    expect(list.body.message).toBe(
      'configmaps is forbidden: User "jane" cannot list resource "configmaps" in API group "" in the namespace "kube-system"',
    );
    const log = await failure(
      core.readNamespacedPodLog({ name: "node-local-dns-abcde", namespace: TEST_NS }),
    );
    expect(log.body.message).toBe(
      'pods "node-local-dns-abcde" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the namespace "kube-system"',
    );
    const nodes = await failure(core.listNode());
    expect(nodes.body).toMatchObject({ reason: "Forbidden", code: 403, details: { kind: "nodes" } });
    expect(nodes.body.message).toBe(
      'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope',
    );
  });

  it("answers SelfSubjectAccessReviews with the RBAC decision and reason", async () => {
    const review = (kc: KubeConfig, verb: string, resource: string) =>
      kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: { resourceAttributes: { namespace: TEST_NS, verb, resource } },
        },
      });
    const allowed = await review(t.jane, "watch", "pods");
    expect(allowed.status).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "jane-reads-pods/kube-system" of Role "pod-reader" to User "jane"',
    });
    expect((await review(t.jane, "delete", "pods")).status?.allowed).toBe(false);
    expect((await review(t.admin, "delete", "pods")).status?.allowed).toBe(true);
  });
});
