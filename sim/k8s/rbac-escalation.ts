/**
 * RBAC's privilege-escalation prevention: a user may write a Role/ClusterRole only with rules they
 * already hold (or the `escalate` verb on it), and a binding only to a role whose rules they hold (or
 * the `bind` verb on it) — so a dashboard with `create rolebindings` cannot grant itself more.
 */
import type { ObjectStore } from "./store";
import {
  authorize,
  ruleAllows,
  rulesFor,
  type PolicyRule,
  type RequestAttributes,
  type UserInfo,
} from "./rbac";
import { RESOURCES } from "./resources";
import { StoreError } from "./errors";
import type { KubeObject, ResourceType } from "./types";

/** Each single permission a rule grants, as request attributes (wildcards kept literal). */
function atoms(user: UserInfo, rule: PolicyRule, namespace: string | undefined): RequestAttributes[] {
  const out: RequestAttributes[] = [];
  for (const verb of rule.verbs ?? []) {
    for (const path of rule.nonResourceURLs ?? []) out.push({ kind: "nonResource", user, verb, path });
    for (const group of rule.apiGroups ?? []) {
      for (const res of rule.resources ?? []) {
        const [resource = "", subresource] = res.split("/");
        const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
        for (const name of names)
          out.push({ kind: "resource", user, verb, group, resource, subresource, namespace, name });
      }
    }
  }
  return out;
}

/** Rules of `wanted` not covered by what `user` holds in `namespace` ("" = cluster-wide only). */
export function uncoveredRules(
  store: ObjectStore,
  user: UserInfo,
  wanted: PolicyRule[],
  namespace: string,
): PolicyRule[] {
  const held = rulesFor(store, user, namespace);
  return wanted.filter((rule) =>
    atoms(user, rule, namespace || undefined).some((a) => !held.some((h) => ruleAllows(a, h))),
  );
}

function describeRule(r: PolicyRule): string {
  const list = (xs: string[] | undefined) => `[${(xs ?? []).map((x) => JSON.stringify(x)).join(" ")}]`;
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${list(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${list(r.resources)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${list(r.resourceNames)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${list(r.nonResourceURLs)}`);
  parts.push(`Verbs:${list(r.verbs)}`);
  return `{${parts.join(", ")}}`;
}

function escalationError(rt: ResourceType, name: string, user: UserInfo, missing: PolicyRule[]): StoreError {
  const groups = `[${user.groups.map((g) => JSON.stringify(g)).join(" ")}]`;
  return new StoreError(
    403,
    "Forbidden",
    `${rt.resource}.${rt.group} "${name}" is forbidden: user "${user.name}" (groups=${groups}) is attempting to grant RBAC permissions not currently held:\n${missing.map(describeRule).join("\n")}`,
    { name, group: rt.group, kind: rt.resource },
  );
}

function mayUseVerb(
  store: ObjectStore,
  user: UserInfo,
  verb: string,
  rt: ResourceType,
  name: string,
  namespace: string | undefined,
): boolean {
  return authorize(store, {
    kind: "resource",
    user,
    verb,
    group: rt.group,
    resource: rt.resource,
    name,
    namespace,
  }).allowed;
}

/** Throws 403 when writing `o` (a role or binding) would grant `user` permissions they lack. */
export function checkNoEscalation(store: ObjectStore, user: UserInfo, rt: ResourceType, o: KubeObject): void {
  if (user.groups.includes("system:masters")) return;
  const ns = rt.namespaced ? (o.metadata.namespace ?? "") : "";
  if (rt === RESOURCES.roles || rt === RESOURCES.clusterroles) {
    if (mayUseVerb(store, user, "escalate", rt, o.metadata.name, ns || undefined)) return;
    const missing = uncoveredRules(store, user, (o.rules as PolicyRule[] | undefined) ?? [], ns);
    if (missing.length) throw escalationError(rt, o.metadata.name, user, missing);
    return;
  }
  if (rt === RESOURCES.rolebindings || rt === RESOURCES.clusterrolebindings) {
    const ref = (o.roleRef ?? {}) as { kind?: string; name?: string };
    const roleRt = ref.kind === "ClusterRole" ? RESOURCES.clusterroles : RESOURCES.roles;
    if (mayUseVerb(store, user, "bind", roleRt, ref.name ?? "", roleRt.namespaced ? ns : undefined)) return;
    const role = store.get(roleRt, roleRt.namespaced ? ns : undefined, ref.name ?? "");
    const missing = uncoveredRules(store, user, (role?.rules as PolicyRule[] | undefined) ?? [], ns);
    if (missing.length) throw escalationError(rt, o.metadata.name, user, missing);
  }
}
