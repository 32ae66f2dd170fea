/**
 * authorization.k8s.io/v1 SelfSubjectAccessReview: "may I do X?", answered by the same RBAC
 * authorizer that guards every request (what `kubectl auth can-i` and the dashboard's permission
 * checks use).
 */
import type { RequestContext } from "./context";
import { badRequest } from "./errors";
import { sendJson } from "./http";
import { authorize, rulesFor, type RequestAttributes } from "./rbac";
import { invalid } from "./status";
import { isObj, type Json } from "./json";

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export function handleSelfSubjectAccessReview(ctx: RequestContext, body: unknown): void {
  if (!isObj(body)) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
  const spec = isObj(body.spec) ? body.spec : {};
  const ra = isObj(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nra = isObj(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (!ra && !nra) {
    throw invalid("SelfSubjectAccessReview", "authorization.k8s.io", "", [
      {
        reason: "FieldValueRequired",
        field: "spec.resourceAttributes",
        message:
          "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified",
      },
    ]);
  }
  if (ra && nra) {
    throw invalid("SelfSubjectAccessReview", "authorization.k8s.io", "", [
      {
        reason: "FieldValueInvalid",
        field: "spec.nonResourceAttributes",
        message: 'Invalid value: "": cannot be specified in combination with resourceAttributes',
      },
    ]);
  }
  const attrs: RequestAttributes = ra
    ? {
        kind: "resource",
        user: ctx.user,
        verb: str(ra.verb) ?? "",
        group: str(ra.group) ?? "",
        resource: str(ra.resource) ?? "",
        subresource: str(ra.subresource),
        namespace: str(ra.namespace),
        name: str(ra.name),
      }
    : { kind: "nonResource", user: ctx.user, verb: str(nra?.verb) ?? "", path: str(nra?.path) ?? "" };
  const decision = authorize(ctx.store, attrs);
  const status: Json = { allowed: decision.allowed };
  if (decision.reason) status.reason = decision.reason;
  const meta = isObj(body.metadata) ? body.metadata : {};
  sendJson(ctx.res, 201, {
    kind: "SelfSubjectAccessReview",
    apiVersion: "authorization.k8s.io/v1",
    metadata: { ...meta, creationTimestamp: null },
    spec,
    status,
  });
}

/** SelfSubjectRulesReview: every rule that applies to the caller in `spec.namespace` (kubectl auth can-i --list). */
export function handleSelfSubjectRulesReview(ctx: RequestContext, body: unknown): void {
  const spec = isObj(body) && isObj(body.spec) ? body.spec : {};
  const namespace = str(spec.namespace) ?? "";
  const rules = rulesFor(ctx.store, ctx.user, namespace);
  const resourceRules = rules
    .filter((r) => !r.nonResourceURLs?.length)
    .map((r) => {
      const out: Json = { verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources ?? [] };
      if (r.resourceNames?.length) out.resourceNames = r.resourceNames;
      return out;
    });
  const nonResourceRules = rules
    .filter((r) => r.nonResourceURLs?.length)
    .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
  sendJson(ctx.res, 201, {
    kind: "SelfSubjectRulesReview",
    apiVersion: "authorization.k8s.io/v1",
    metadata: { creationTimestamp: null },
    spec: { namespace },
    status: { resourceRules, nonResourceRules, incomplete: false },
  });
}
