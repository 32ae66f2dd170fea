/**
 * Decoding checks (400) and validation (422) of incoming objects, with the field paths and message
 * wording of the API server's validators, for the kinds the simulation serves.
 */
import { badRequest } from "./errors";
import {
  labelKeyProblem,
  labelValueProblem,
  matchesLabels,
  selectorFromSpec,
  type LabelSelectorSpec,
} from "./selectors";
import { invalid, type FieldCause } from "./status";
import { apiVersionOf, type KubeObject, type ResourceType } from "./types";
import { canonical } from "./canonical";
import { isObj, type Json } from "./json";

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

function goMap(m: Record<string, string>): string {
  return `map[string]string{${Object.entries(m)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join(", ")}}`;
}

const required = (field: string): FieldCause => ({
  reason: "FieldValueRequired",
  field,
  message: "Required value",
});
const badValue = (field: string, value: string, why: string): FieldCause => ({
  reason: "FieldValueInvalid",
  field,
  message: `Invalid value: ${value}: ${why}`,
});

/**
 * What fails while decoding a request body into the type, before validation: not an object, wrong
 * apiVersion/kind, or a field of the wrong JSON type (→ 400 BadRequest, as the real decoder answers).
 */
export function checkDecodable(rt: ResourceType, body: unknown): KubeObject {
  if (!isObj(body)) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
  const expected = apiVersionOf(rt);
  if (body.kind !== undefined && body.kind !== rt.kind) {
    throw badRequest(
      `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: no kind "${String(body.kind)}" is registered for version "${String(body.apiVersion)}"`,
    );
  }
  if (body.apiVersion !== undefined && body.apiVersion !== expected) {
    throw badRequest(
      `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`,
    );
  }
  const cannot = (field: string, want: string, got: unknown) =>
    badRequest(
      `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: json: cannot unmarshal ${jsonType(got)} into Go struct field ${field} of type ${want}`,
    );
  const meta = body.metadata;
  if (meta !== undefined && !isObj(meta)) throw cannot(`${rt.kind}.metadata`, "v1.ObjectMeta", meta);
  for (const f of ["labels", "annotations"]) {
    const m = isObj(meta) ? meta[f] : undefined;
    if (m === undefined || m === null) continue;
    if (!isObj(m)) throw cannot(`ObjectMeta.metadata.${f}`, "map[string]string", m);
    for (const v of Object.values(m))
      if (typeof v !== "string") throw cannot(`ObjectMeta.metadata.${f}`, "string", v);
  }
  if (rt.kind === "ConfigMap") {
    const data = body.data;
    if (data !== undefined && data !== null) {
      if (!isObj(data)) throw cannot("ConfigMap.data", "map[string]string", data);
      for (const v of Object.values(data))
        if (typeof v !== "string") throw cannot("ConfigMap.data", "string", v);
    }
  }
  return {
    ...body,
    apiVersion: expected,
    kind: rt.kind,
    metadata: (isObj(meta) ? meta : {}) as unknown as KubeObject["metadata"],
  };
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  return typeof v === "number"
    ? "number"
    : typeof v === "boolean"
      ? "bool"
      : typeof v === "string"
        ? "string"
        : "object";
}

function validateMeta(rt: ResourceType, o: KubeObject, causes: FieldCause[], creating: boolean): void {
  const m = o.metadata;
  if (!m.name) {
    if (!(creating && m.generateName))
      causes.push({
        ...required("metadata.name"),
        message: "Required value: name or generateName is required",
      });
  } else {
    const dns1035 = rt.kind === "Service";
    const dnsLabel = rt.kind === "Namespace";
    const re = dns1035 ? DNS1035_LABEL : dnsLabel ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
    const limit = dns1035 || dnsLabel ? 63 : 253;
    if (!re.test(m.name))
      causes.push(
        badValue(
          "metadata.name",
          JSON.stringify(m.name),
          dns1035 ? DNS1035_MSG : dnsLabel ? LABEL_MSG : SUBDOMAIN_MSG,
        ),
      );
    else if (m.name.length > limit)
      causes.push(
        badValue("metadata.name", JSON.stringify(m.name), `must be no more than ${limit} characters`),
      );
  }
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    const kp = labelKeyProblem(k);
    if (kp) causes.push(badValue("metadata.labels", JSON.stringify(k), kp));
    const vp = labelValueProblem(v);
    if (vp) causes.push(badValue("metadata.labels", JSON.stringify(v), vp));
  }
  for (const k of Object.keys(m.annotations ?? {})) {
    const kp = labelKeyProblem(k.toLowerCase());
    if (kp) causes.push(badValue("metadata.annotations", JSON.stringify(k), kp));
  }
  const annotationBytes = Object.entries(m.annotations ?? {}).reduce(
    (n, [k, v]) => n + k.length + v.length,
    0,
  );
  if (annotationBytes > 262144)
    causes.push({
      reason: "FieldValueTooLong",
      field: "metadata.annotations",
      message: "Too long: must have at most 262144 bytes",
    });
}

function validateContainers(spec: unknown, base: string, causes: FieldCause[]): void {
  const containers = isObj(spec) ? spec.containers : undefined;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push(required(`${base}.containers`));
    return;
  }
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    const p = `${base}.containers[${i}]`;
    const name = isObj(c) ? c.name : undefined;
    if (typeof name !== "string" || name === "") causes.push(required(`${p}.name`));
    else if (!DNS1123_LABEL.test(name)) causes.push(badValue(`${p}.name`, JSON.stringify(name), LABEL_MSG));
    else if (seen.has(name))
      causes.push({
        reason: "FieldValueDuplicate",
        field: `${p}.name`,
        message: `Duplicate value: ${JSON.stringify(name)}`,
      });
    else seen.add(name);
    const image = isObj(c) ? c.image : undefined;
    if (typeof image !== "string" || image.trim() === "") causes.push(required(`${p}.image`));
  });
}

function validateDaemonSet(o: KubeObject, causes: FieldCause[]): void {
  const spec = isObj(o.spec) ? o.spec : {};
  const selector = spec.selector;
  const template = isObj(spec.template) ? spec.template : {};
  const tmplMeta = isObj(template.metadata) ? template.metadata : {};
  const tmplLabels = (isObj(tmplMeta.labels) ? tmplMeta.labels : {}) as Record<string, string>;
  if (!isObj(selector)) causes.push(required("spec.selector"));
  else {
    const sel = selectorFromSpec(selector as LabelSelectorSpec);
    if (sel.length === 0)
      causes.push(
        badValue("spec.selector", goLabelSelector(selector), "empty selector is invalid for daemonset"),
      );
    else if (!matchesLabels(sel, tmplLabels)) {
      causes.push(
        badValue(
          "spec.template.metadata.labels",
          goMap(tmplLabels),
          "`selector` does not match template `labels`",
        ),
      );
    }
  }
  const podSpec = isObj(template.spec) ? template.spec : undefined;
  validateContainers(podSpec, "spec.template.spec", causes);
  const restart = podSpec?.restartPolicy;
  if (restart !== undefined && restart !== "Always") {
    causes.push({
      reason: "FieldValueNotSupported",
      field: "spec.template.spec.restartPolicy",
      message: `Unsupported value: ${JSON.stringify(restart)}: supported values: "Always"`,
    });
  }
  const strategy = isObj(spec.updateStrategy) ? spec.updateStrategy.type : undefined;
  if (strategy !== undefined && strategy !== "RollingUpdate" && strategy !== "OnDelete") {
    causes.push({
      reason: "FieldValueNotSupported",
      field: "spec.updateStrategy",
      message: `Unsupported value: ${JSON.stringify(strategy)}: supported values: "OnDelete", "RollingUpdate"`,
    });
  }
}

function goLabelSelector(s: Json): string {
  const ml = isObj(s.matchLabels) ? goMap(s.matchLabels as Record<string, string>) : "map[string]string(nil)";
  return `&v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`;
}

function validateConfigMap(o: KubeObject, causes: FieldCause[]): void {
  let size = 0;
  for (const field of ["data", "binaryData"]) {
    const m = o[field];
    if (!isObj(m)) continue;
    for (const [k, v] of Object.entries(m)) {
      if (!CONFIG_KEY.test(k) || k === "." || k === "..") {
        causes.push(
          badValue(
            `${field}[${k}]`,
            JSON.stringify(k),
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
          ),
        );
      }
      size += typeof v === "string" ? Buffer.byteLength(v) : 0;
    }
  }
  if (size > 1048576)
    causes.push({
      reason: "FieldValueTooLong",
      field: "",
      message: "Too long: must have at most 1048576 bytes",
    });
}

/** core/v1 Events: the event lives in its involved object's namespace (or default for cluster objects). */
function validateEvent(o: KubeObject, causes: FieldCause[]): void {
  const involved = isObj(o.involvedObject) ? o.involvedObject : {};
  const ins = typeof involved.namespace === "string" ? involved.namespace : "";
  const ns = o.metadata.namespace ?? "";
  const ok = ins === "" ? ns === "" || ns === "default" : ns === ins;
  if (!ok)
    causes.push(badValue("involvedObject.namespace", JSON.stringify(ins), "does not match event.namespace"));
}

/** Validation on create and update; throws 422 Invalid with every cause found. */
export function validateObject(
  rt: ResourceType,
  o: KubeObject,
  opts: { creating: boolean; old?: KubeObject },
): void {
  const causes: FieldCause[] = [];
  validateMeta(rt, o, causes, opts.creating);
  if (rt.kind === "DaemonSet") validateDaemonSet(o, causes);
  else if (rt.kind === "ConfigMap") validateConfigMap(o, causes);
  else if (rt.kind === "Pod") validateContainers(o.spec, "spec", causes);
  else if (rt.kind === "Event") validateEvent(o, causes);
  if (opts.old) validateImmutable(rt, o, opts.old, causes);
  if (causes.length) {
    throw invalid(rt.kind, rt.group, o.metadata.name || o.metadata.generateName || "", causes);
  }
}

function validateImmutable(rt: ResourceType, o: KubeObject, old: KubeObject, causes: FieldCause[]): void {
  if (old.metadata.deletionTimestamp) {
    const added = (o.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
    if (added.length) {
      causes.push({
        reason: "FieldValueForbidden",
        field: "metadata.finalizers",
        message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(", ")}}`,
      });
    }
  }
  const spec = isObj(o.spec) ? o.spec : {};
  const oldSpec = isObj(old.spec) ? old.spec : {};
  if (rt.kind === "DaemonSet" && canonical(spec.selector) !== canonical(oldSpec.selector)) {
    causes.push(
      badValue(
        "spec.selector",
        goLabelSelector(isObj(spec.selector) ? spec.selector : {}),
        "field is immutable",
      ),
    );
  }
  if (rt.kind === "Pod") {
    // Only images (and a few scheduling fields) may change on a running pod.
    const strip = (s: Json) =>
      canonical({
        ...s,
        containers: (Array.isArray(s.containers) ? s.containers : []).map((c) =>
          isObj(c) ? { ...c, image: "" } : c,
        ),
        activeDeadlineSeconds: 0,
        tolerations: [],
      });
    if (strip(spec) !== strip(oldSpec)) {
      causes.push({
        reason: "FieldValueForbidden",
        field: "spec",
        message:
          "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
      });
    }
  }
  if (
    rt.kind === "ConfigMap" &&
    old.immutable === true &&
    (canonical(o.data) !== canonical(old.data) || o.immutable !== true)
  ) {
    causes.push({
      reason: "FieldValueForbidden",
      field: "data",
      message: "Forbidden: field is immutable when `immutable` is set",
    });
  }
}
