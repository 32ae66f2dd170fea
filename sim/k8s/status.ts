/**
 * `Status` bodies exactly as a real API server sends them (k8s.io/apimachinery/pkg/api/errors), so
 * clients that parse `reason`, `code` and `details` — and kubectl's `Error from server (...)` lines —
 * behave as against a cluster.
 */
import type { ServerResponse } from "node:http";
import { StoreError, qualifiedResource, type StoreErrorDetails } from "./errors";

/** The metav1.Status wire shape. */
export interface StatusBody {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message?: string;
  reason?: string;
  details?: StoreErrorDetails & { uid?: string };
  code: number;
}

/** Field order and omitted empty fields as Go's encoder writes them. */
export function statusBody(err: StoreError): StatusBody {
  const body: StatusBody = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: err.message,
    reason: err.reason,
    code: err.status,
  };
  const d = err.details;
  if (d) {
    const details: StoreErrorDetails = {};
    if (d.name) details.name = d.name;
    if (d.group) details.group = d.group;
    if (d.kind) details.kind = d.kind;
    if (d.causes?.length) details.causes = d.causes;
    if (d.retryAfterSeconds) details.retryAfterSeconds = d.retryAfterSeconds;
    if (Object.keys(details).length) {
      // Go puts `details` before `code`.
      const { code, ...rest } = body;
      return { ...rest, details, code };
    }
  }
  return body;
}

/** A successful delete of a type that does not return the object. */
export function successStatus(
  group: string,
  resource: string,
  name: string,
  uid: string | undefined,
): StatusBody {
  const details: StatusBody["details"] = { name, kind: resource };
  if (group) details.group = group;
  if (uid) details.uid = uid;
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details, code: 200 };
}

export function writeStatus(res: ServerResponse, err: StoreError): void {
  const body = JSON.stringify(statusBody(err));
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(err.status, {
    "Content-Type": "application/json",
    "Cache-Control": "no-cache, private",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

export function unauthorized(): StoreError {
  return new StoreError(401, "Unauthorized", "Unauthorized");
}

/** What a request asked for, in the terms of the authorizer's denial message. */
export interface ForbiddenAttributes {
  user: string;
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  name?: string;
  namespace?: string;
  /** Set for non-resource requests (`/healthz`, `/metrics`). */
  path?: string;
}

/**
 * `pods "x" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the namespace "kube-system"`
 * — the exact text of the API server's `forbidden` responder.
 */
export function forbidden(a: ForbiddenAttributes): StoreError {
  if (a.path !== undefined) {
    return new StoreError(403, "Forbidden", `forbidden: User "${a.user}" cannot ${a.verb} path "${a.path}"`);
  }
  const qualified = qualifiedResource(a.group, a.resource);
  const subject = a.name ? `${qualified} "${a.name}"` : qualified;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : "at the cluster scope";
  return new StoreError(
    403,
    "Forbidden",
    `${subject} is forbidden: User "${a.user}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${scope}`,
    {
      name: a.name,
      group: a.group,
      kind: a.resource,
    },
  );
}

/** One field error of a 422. */
export interface FieldCause {
  reason:
    | "FieldValueRequired"
    | "FieldValueInvalid"
    | "FieldValueNotSupported"
    | "FieldValueForbidden"
    | "FieldValueDuplicate"
    | "FieldValueTooLong"
    | "FieldValueTypeInvalid";
  field: string;
  /** e.g. `Required value` or `Invalid value: "x": must be ...`. */
  message: string;
}

/**
 * `ConfigMap "x" is invalid: metadata.name: Required value` (one cause) or
 * `... is invalid: [a: ..., b: ...]` (several), with `details.causes`.
 */
export function invalid(kind: string, group: string, name: string, causes: FieldCause[]): StoreError {
  const texts = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = texts.length === 1 ? texts[0] : `[${texts.join(", ")}]`;
  return new StoreError(
    422,
    "Invalid",
    `${kind}${group ? `.${group}` : ""} "${name}" is invalid: ${summary}`,
    {
      name,
      group,
      kind,
      causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
    },
  );
}

/**
 * negotiation.NewUnsupportedMediaTypeError: 415 with this message and no details (the content type
 * that was sent is not named).
 */
export function unsupportedMediaType(accepted: string[]): StoreError {
  return new StoreError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
  );
}

/** Body media types a v1.32 server decodes for create and update (the serializers' order; CBOR is off). */
export const BODY_MEDIA_TYPES = [
  "application/json",
  "application/yaml",
  "application/vnd.kubernetes.protobuf",
];

/** Patch types a v1.32 server serves for built-in types, in its order (api_installer.go). */
export const PATCH_MEDIA_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

export function methodNotAllowed(): StoreError {
  return new StoreError(
    405,
    "MethodNotAllowed",
    "the server does not allow this method on the requested resource",
  );
}

/** Unknown resource under a served group version. */
export function resourceNotFound(): StoreError {
  return new StoreError(404, "NotFound", "the server could not find the requested resource");
}

export function notAcceptable(): StoreError {
  return new StoreError(
    406,
    "NotAcceptable",
    "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf",
  );
}
