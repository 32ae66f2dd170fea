/**
 * The RBAC authorizer (k8s.io/kubernetes/plugin/pkg/auth/authorizer/rbac) over the Role, ClusterRole,
 * RoleBinding and ClusterRoleBinding objects in the store, with the same matching rules and the same
 * `reason` strings, plus the `system:masters` superuser group.
 */
import type { ObjectStore } from "./store";
import { RESOURCES } from "./resources";
import type { KubeObject } from "./types";

/** An authenticated caller. */
export interface UserInfo {
  name: string;
  groups: string[];
}

/** What a request wants to do (authorizer.Attributes). */
export type RequestAttributes =
  | {
      kind: "resource";
      user: UserInfo;
      verb: string;
      group: string;
      resource: string;
      subresource?: string;
      namespace?: string;
      name?: string;
    }
  | { kind: "nonResource"; user: UserInfo; verb: string; path: string };

export interface Decision {
  allowed: boolean;
  /** e.g. `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "z"`; "" when denied. */
  reason: string;
}

/** rbac.authorization.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: "User" | "Group" | "ServiceAccount" | string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

interface RoleRef {
  apiGroup: string;
  kind: "Role" | "ClusterRole" | string;
  name: string;
}

const SA_PREFIX = "system:serviceaccount:";

/** Groups the authenticator adds: `system:authenticated`, and the service-account groups for SA users. */
export function withImplicitGroups(user: UserInfo): UserInfo {
  const groups = new Set(user.groups);
  if (user.name.startsWith(SA_PREFIX)) {
    const ns = user.name.slice(SA_PREFIX.length).split(":")[0] ?? "";
    groups.add("system:serviceaccounts");
    groups.add(`system:serviceaccounts:${ns}`);
  }
  groups.add("system:authenticated");
  return { name: user.name, groups: [...groups] };
}

function has(list: string[] | undefined, value: string): boolean {
  return (list ?? []).some((v) => v === "*" || v === value);
}

/** rbac.RuleAllows: verbs, apiGroups, resources (incl. `pods/log`, `*`, `*\/log`), resourceNames, nonResourceURLs. */
export function ruleAllows(a: RequestAttributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (a.kind === "nonResource") {
    return (rule.nonResourceURLs ?? []).some(
      (u) => u === "*" || u === a.path || (u.endsWith("*") && a.path.startsWith(u.slice(0, -1))),
    );
  }
  if (!has(rule.apiGroups, a.group)) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resourceOk = (rule.resources ?? []).some(
    (r) => r === "*" || r === combined || (a.subresource !== undefined && r === `*/${a.subresource}`),
  );
  if (!resourceOk) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (a.name !== undefined && names.includes(a.name));
}

function subjectMatches(s: Subject, user: UserInfo, bindingNamespace: string): boolean {
  if (s.kind === "User") return s.name === user.name;
  if (s.kind === "Group") return user.groups.includes(s.name);
  if (s.kind === "ServiceAccount")
    return user.name === `${SA_PREFIX}${s.namespace || bindingNamespace}:${s.name}`;
  return false;
}

/** How the RBAC authorizer names a subject in its reason. */
function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === "ServiceAccount") return `${s.kind} "${s.name}/${s.namespace || bindingNamespace}"`;
  return `${s.kind} "${s.name}"`;
}

function rulesOf(store: ObjectStore, ref: RoleRef, namespace: string | undefined): PolicyRule[] {
  const role =
    ref.kind === "ClusterRole"
      ? store.get(RESOURCES.clusterroles, undefined, ref.name)
      : namespace
        ? store.get(RESOURCES.roles, namespace, ref.name)
        : undefined;
  return (role?.rules as PolicyRule[] | undefined) ?? [];
}

function bindingParts(b: KubeObject): { subjects: Subject[]; roleRef: RoleRef } {
  return { subjects: (b.subjects as Subject[] | undefined) ?? [], roleRef: b.roleRef as RoleRef };
}

/** Decides a request; `system:masters` may do anything (the API server's privileged-group authorizer). */
export function authorize(store: ObjectStore, a: RequestAttributes): Decision {
  if (a.user.groups.includes("system:masters")) return { allowed: true, reason: "" };
  for (const b of store.list(RESOURCES.clusterrolebindings, undefined).items) {
    const { subjects, roleRef } = bindingParts(b);
    const subject = subjects.find((s) => subjectMatches(s, a.user, ""));
    if (!subject || !roleRef) continue;
    if (rulesOf(store, roleRef, undefined).some((r) => ruleAllows(a, r))) {
      return {
        allowed: true,
        reason: `RBAC: allowed by ClusterRoleBinding "${b.metadata.name}" of ${roleRef.kind} "${roleRef.name}" to ${describeSubject(subject, "")}`,
      };
    }
  }
  if (a.kind === "resource" && a.namespace) {
    for (const b of store.list(RESOURCES.rolebindings, a.namespace).items) {
      const { subjects, roleRef } = bindingParts(b);
      const subject = subjects.find((s) => subjectMatches(s, a.user, a.namespace ?? ""));
      if (!subject || !roleRef) continue;
      if (rulesOf(store, roleRef, a.namespace).some((r) => ruleAllows(a, r))) {
        return {
          allowed: true,
          reason: `RBAC: allowed by RoleBinding "${b.metadata.name}/${a.namespace}" of ${roleRef.kind} "${roleRef.name}" to ${describeSubject(subject, a.namespace)}`,
        };
      }
    }
  }
  return { allowed: false, reason: "" };
}

/**
 * Every rule that applies to `user` in `namespace` (cluster bindings plus that namespace's
 * bindings), as a SelfSubjectRulesReview lists them; `system:masters` gets the superuser rules.
 */
export function rulesFor(store: ObjectStore, user: UserInfo, namespace: string): PolicyRule[] {
  const rules: PolicyRule[] = [];
  if (user.groups.includes("system:masters")) {
    rules.push(
      { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
      { verbs: ["*"], nonResourceURLs: ["*"] },
    );
  }
  for (const b of store.list(RESOURCES.clusterrolebindings, undefined).items) {
    const { subjects, roleRef } = bindingParts(b);
    if (roleRef && subjects.some((s) => subjectMatches(s, user, "")))
      rules.push(...rulesOf(store, roleRef, undefined));
  }
  if (namespace) {
    for (const b of store.list(RESOURCES.rolebindings, namespace).items) {
      const { subjects, roleRef } = bindingParts(b);
      if (roleRef && subjects.some((s) => subjectMatches(s, user, namespace)))
        rules.push(...rulesOf(store, roleRef, namespace));
    }
  }
  return rules;
}
