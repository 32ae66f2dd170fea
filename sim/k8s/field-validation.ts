/**
 * Server-side field validation (`?fieldValidation=Strict|Warn|Ignore`): fields the type does not
 * have are an error with Strict (kubectl's default) and a `Warning` header otherwise, so a typo like
 * `datta:` in an edited ConfigMap fails as it does on a cluster. Checked at the top level and in
 * `metadata`, where such typos happen; deeper schemas are not modelled.
 */
import type { ServerResponse } from "node:http";
import { badRequest } from "./errors";
import type { ResourceType } from "./types";

const META_FIELDS = new Set([
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
]);

const SPEC_STATUS = ["spec", "status"];
const KIND_FIELDS: Record<string, string[]> = {
  ConfigMap: ["data", "binaryData", "immutable"],
  Event: [
    "involvedObject",
    "reason",
    "message",
    "source",
    "firstTimestamp",
    "lastTimestamp",
    "count",
    "type",
    "eventTime",
    "series",
    "action",
    "related",
    "reportingComponent",
    "reportingInstance",
  ],
  ServiceAccount: ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
  Role: ["rules"],
  ClusterRole: ["rules", "aggregationRule"],
  RoleBinding: ["subjects", "roleRef"],
  ClusterRoleBinding: ["subjects", "roleRef"],
  ControllerRevision: ["data", "revision"],
};

/** Unknown fields of `body` as `unknown field "x"` texts (paths dotted, as the strict decoder prints). */
export function unknownFields(rt: ResourceType, body: Record<string, unknown>): string[] {
  const allowed = new Set(["apiVersion", "kind", "metadata", ...(KIND_FIELDS[rt.kind] ?? SPEC_STATUS)]);
  const out: string[] = [];
  for (const k of Object.keys(body)) if (!allowed.has(k)) out.push(`unknown field "${k}"`);
  const meta = body.metadata;
  if (meta && typeof meta === "object" && !Array.isArray(meta)) {
    for (const k of Object.keys(meta)) if (!META_FIELDS.has(k)) out.push(`unknown field "metadata.${k}"`);
  }
  return out;
}

/** Applies the request's directive: Strict → 400, Warn (the default) → Warning headers, Ignore → nothing. */
export function enforceFieldValidation(
  rt: ResourceType,
  body: Record<string, unknown>,
  query: URLSearchParams,
  res: ServerResponse,
): void {
  const directive = query.get("fieldValidation") ?? "Warn";
  if (!["Strict", "Warn", "Ignore"].includes(directive)) {
    throw badRequest(
      `fieldValidation: Invalid value: "${directive}": must be one of "Ignore", "Warn", or "Strict"`,
    );
  }
  if (directive === "Ignore") return;
  const problems = unknownFields(rt, body);
  if (problems.length === 0) return;
  if (directive === "Strict") {
    throw badRequest(
      `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ${problems.join(", ")}`,
    );
  }
  res.setHeader(
    "Warning",
    problems.map((p) => `299 - ${JSON.stringify(p)}`),
  );
}
