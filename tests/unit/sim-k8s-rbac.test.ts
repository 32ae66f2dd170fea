import { describe, expect, it } from "vitest";
import { ObjectStore, RESOURCES } from "@/sim/k8s/store";
import {
  authorize,
  ruleAllows,
  withImplicitGroups,
  type RequestAttributes,
  type UserInfo,
} from "@/sim/k8s/rbac";
import { ensureBootstrapPolicy } from "@/sim/k8s/rbac-bootstrap";
import { forbidden, invalid, statusBody } from "@/sim/k8s/status";
import { StoreError, notFound } from "@/sim/k8s/errors";
import { checkNoEscalation } from "@/sim/k8s/rbac-escalation";

const jane = withImplicitGroups({ name: "jane", groups: [] });
const dashboard = withImplicitGroups({ name: "system:serviceaccount:monitoring:dns-dashboard", groups: [] });

function res(
  user: UserInfo,
  verb: string,
  resource: string,
  extra: Partial<Extract<RequestAttributes, { kind: "resource" }>> = {},
): RequestAttributes {
  return { kind: "resource", user, verb, group: "", resource, ...extra };
}

function storeWithPolicy(): ObjectStore {
  const s = new ObjectStore();
  ensureBootstrapPolicy(s);
  s.create(RESOURCES.roles, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "dns-reader", namespace: "kube-system" },
    rules: [
      { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] },
      {
        apiGroups: [""],
        resources: ["configmaps"],
        resourceNames: ["node-local-dns"],
        verbs: ["get", "patch"],
      },
    ],
  });
  s.create(RESOURCES.rolebindings, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "dashboard", namespace: "kube-system" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "dns-reader" },
    subjects: [{ kind: "ServiceAccount", name: "dns-dashboard", namespace: "monitoring" }],
  });
  return s;
}

describe("RBAC authorizer", () => {
  it("adds the implicit groups of authenticated and service-account users", () => {
    expect(dashboard.groups).toEqual([
      "system:serviceaccounts",
      "system:serviceaccounts:monitoring",
      "system:authenticated",
    ]);
  });

  it("allows through a RoleBinding only in its namespace, with the real reason text", () => {
    const s = storeWithPolicy();
    expect(authorize(s, res(dashboard, "list", "pods", { namespace: "kube-system" }))).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "dashboard/kube-system" of Role "dns-reader" to ServiceAccount "dns-dashboard/monitoring"',
    });
    expect(
      authorize(s, res(dashboard, "get", "pods", { subresource: "log", namespace: "kube-system", name: "p" }))
        .allowed,
    ).toBe(true);
    expect(
      authorize(
        s,
        res(dashboard, "get", "pods", { subresource: "proxy", namespace: "kube-system", name: "p" }),
      ).allowed,
    ).toBe(false);
    expect(authorize(s, res(dashboard, "list", "pods", { namespace: "default" })).allowed).toBe(false);
    expect(authorize(s, res(dashboard, "list", "pods")).allowed).toBe(false);
  });

  it("honours resourceNames: a named get is allowed, a list is not", () => {
    const s = storeWithPolicy();
    expect(
      authorize(
        s,
        res(dashboard, "patch", "configmaps", { namespace: "kube-system", name: "node-local-dns" }),
      ).allowed,
    ).toBe(true);
    expect(
      authorize(s, res(dashboard, "patch", "configmaps", { namespace: "kube-system", name: "other" }))
        .allowed,
    ).toBe(false);
    expect(authorize(s, res(dashboard, "list", "configmaps", { namespace: "kube-system" })).allowed).toBe(
      false,
    );
  });

  it("gives discovery to every authenticated user and everything to system:masters", () => {
    const s = storeWithPolicy();
    expect(authorize(s, { kind: "nonResource", user: jane, verb: "get", path: "/apis/apps/v1" })).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
    });
    expect(authorize(s, { kind: "nonResource", user: jane, verb: "get", path: "/metrics" }).allowed).toBe(
      false,
    );
    expect(
      authorize(s, res(jane, "create", "selfsubjectaccessreviews", { group: "authorization.k8s.io" }))
        .allowed,
    ).toBe(true);
    const admin = withImplicitGroups({ name: "admin", groups: ["system:masters"] });
    expect(authorize(s, res(admin, "delete", "nodes", { name: "n1" })).allowed).toBe(true);
  });

  it("matches wildcards and */subresource the way RuleAllows does", () => {
    const a = res(jane, "get", "pods", { subresource: "log", name: "p", namespace: "x" });
    expect(ruleAllows(a, { verbs: ["*"], apiGroups: ["*"], resources: ["*"] })).toBe(true);
    expect(ruleAllows(a, { verbs: ["get"], apiGroups: [""], resources: ["*/log"] })).toBe(true);
    expect(ruleAllows(a, { verbs: ["get"], apiGroups: [""], resources: ["pods"] })).toBe(false);
    expect(ruleAllows(a, { verbs: ["get"], apiGroups: ["apps"], resources: ["pods/log"] })).toBe(false);
    expect(
      ruleAllows(
        { kind: "nonResource", user: jane, verb: "get", path: "/healthz/etcd" },
        { verbs: ["get"], nonResourceURLs: ["/healthz/*"] },
      ),
    ).toBe(true);
  });
});

describe("escalation prevention", () => {
  const role = (name: string, rules: unknown[]) => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name, namespace: "kube-system" },
    rules,
  });
  it("lets a user write only roles and bindings within what they hold", () => {
    const s = storeWithPolicy();
    expect(() =>
      checkNoEscalation(
        s,
        dashboard,
        RESOURCES.roles,
        role("ok", [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }]),
      ),
    ).not.toThrow();
    let err: unknown;
    try {
      checkNoEscalation(
        s,
        dashboard,
        RESOURCES.roles,
        role("more", [{ apiGroups: ["apps"], resources: ["daemonsets"], verbs: ["patch"] }]),
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).status).toBe(403);
    expect((err as StoreError).message).toBe(
      'roles.rbac.authorization.k8s.io "more" is forbidden: user "system:serviceaccount:monitoring:dns-dashboard" (groups=["system:serviceaccounts" "system:serviceaccounts:monitoring" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["apps"], Resources:["daemonsets"], Verbs:["patch"]}',
    );
    const binding = (roleKind: string, roleName: string) => ({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "b", namespace: "kube-system" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: roleKind, name: roleName },
      subjects: [{ kind: "User", name: "jane" }],
    });
    expect(() =>
      checkNoEscalation(s, dashboard, RESOURCES.rolebindings, binding("Role", "dns-reader")),
    ).not.toThrow();
    expect(() =>
      checkNoEscalation(s, dashboard, RESOURCES.rolebindings, binding("ClusterRole", "cluster-admin")),
    ).toThrow(/attempting to grant RBAC permissions/);
  });
});

describe("Status bodies", () => {
  it("403 text for named, list, cluster-scoped, subresource and non-resource requests", () => {
    expect(
      forbidden({
        user: "jane",
        verb: "get",
        group: "",
        resource: "pods",
        name: "x",
        namespace: "kube-system",
      }).message,
    ).toBe(
      'pods "x" is forbidden: User "jane" cannot get resource "pods" in API group "" in the namespace "kube-system"',
    );
    expect(
      forbidden({ user: "jane", verb: "list", group: "", resource: "pods", namespace: "kube-system" })
        .message,
    ).toBe(
      'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "kube-system"',
    );
    expect(forbidden({ user: "jane", verb: "list", group: "", resource: "nodes" }).message).toBe(
      'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope',
    );
    expect(
      forbidden({
        user: "jane",
        verb: "get",
        group: "",
        resource: "pods",
        subresource: "log",
        name: "x",
        namespace: "kube-system",
      }).message,
    ).toBe(
      'pods "x" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the namespace "kube-system"',
    );
    expect(
      forbidden({
        user: "jane",
        verb: "patch",
        group: "apps",
        resource: "daemonsets",
        name: "d",
        namespace: "kube-system",
      }).message,
    ).toBe(
      'daemonsets.apps "d" is forbidden: User "jane" cannot patch resource "daemonsets" in API group "apps" in the namespace "kube-system"',
    );
  });

  it("serialises like the Go encoder: details before code, empty fields omitted", () => {
    expect(JSON.stringify(statusBody(notFound("", "pods", "x")))).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"x\\" not found","reason":"NotFound","details":{"name":"x","kind":"pods"},"code":404}',
    );
    const inv = statusBody(
      invalid("ConfigMap", "", "x", [
        { reason: "FieldValueRequired", field: "metadata.name", message: "Required value" },
      ]),
    );
    expect(inv.message).toBe('ConfigMap "x" is invalid: metadata.name: Required value');
    expect(inv.details?.causes).toEqual([
      { reason: "FieldValueRequired", message: "Required value", field: "metadata.name" },
    ]);
  });
});
