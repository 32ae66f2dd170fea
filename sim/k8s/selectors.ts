/**
 * Label and field selectors with the grammar and the error messages of k8s.io/apimachinery
 * (`labels.Parse`, `fields.ParseSelector`), so a typo in a selector fails here as it fails on a cluster.
 */
import { badRequest } from "./errors";
import type { KubeObject } from "./types";

/** One requirement of a label selector. */
export type LabelRequirement =
  | { key: string; op: "=" | "!="; value: string }
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!" }
  | { key: string; op: "gt" | "lt"; value: number };

/** All requirements must hold (comma = AND). An empty selector matches everything. */
export type LabelSelector = LabelRequirement[];

const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `key` is not a valid label key, or undefined when it is (a qualified name: `[prefix/]name`). */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  }
  if (name.length === 0) return "name part must be non-empty";
  if (name.length > 63) return "name part must be no more than 63 characters";
  if (!NAME_PART.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  }
  return undefined;
}

/** Why `value` is not a valid label value, or undefined when it is. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return "must be no more than 63 characters";
  if (!LABEL_VALUE.test(value)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  }
  return undefined;
}

function parseError(detail: string): never {
  throw badRequest(`unable to parse requirement: ${detail}`);
}

function checkKey(key: string): string {
  const problem = labelKeyProblem(key);
  if (problem) parseError(`key: Invalid value: "${key}": ${problem}`);
  return key;
}

function checkValue(value: string, index = 0): string {
  const problem = labelValueProblem(value);
  if (problem) parseError(`values[${index}][${value}]: Invalid value: "${value}": ${problem}`);
  return value;
}

/** Splits on commas that are not inside `( )`, as `in (a,b)` contains commas. */
function splitTopLevel(input: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(input.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(input.slice(start));
  return parts;
}

function parseRequirement(raw: string): LabelRequirement {
  const text = raw.trim();
  if (text === "") throw badRequest("found '', expected: !, identifier, or 'end of string'");
  if (text.startsWith("!")) return { key: checkKey(text.slice(1).trim()), op: "!" };
  const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (setMatch) {
    const [, key = "", op, list = ""] = setMatch;
    const values = list.trim() === "" ? [] : list.split(",").map((v, i) => checkValue(v.trim(), i));
    if (values.length === 0)
      parseError(`values: Invalid value: "": for 'in', 'notin' operators, values set can't be empty`);
    return { key: checkKey(key), op: op === "in" ? "in" : "notin", values };
  }
  const opMatch = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/.exec(text);
  if (opMatch) {
    const [, key = "", op, value = ""] = opMatch;
    if (op === "<" || op === ">") {
      const n = Number(value);
      if (!/^-?\d+$/.test(value))
        parseError(
          `values[0]: Invalid value: "${value}": for 'Gt', 'Lt' operators, the value must be an integer`,
        );
      return { key: checkKey(key), op: op === ">" ? "gt" : "lt", value: n };
    }
    return { key: checkKey(key), op: op === "!=" ? "!=" : "=", value: checkValue(value.trim()) };
  }
  if (/\s/.test(text))
    throw badRequest(`found '${text.split(/\s+/)[1] ?? ""}', expected: in, notin, =, ==, !=, gt, lt`);
  return { key: checkKey(text), op: "exists" };
}

/** Parses `k=v,k!=v,k in (a,b),k notin (c),!k,k`; throws StoreError 400 with the real parser's message. */
export function parseLabelSelector(selector: string | undefined): LabelSelector {
  if (selector === undefined || selector.trim() === "") return [];
  return splitTopLevel(selector).map(parseRequirement);
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case "=":
        return has && v === r.value;
      case "!=":
        return !has || v !== r.value;
      case "in":
        return has && r.values.includes(v ?? "");
      case "notin":
        return !has || !r.values.includes(v ?? "");
      case "exists":
        return has;
      case "!":
        return !has;
      case "gt":
      case "lt": {
        if (!has || !/^-?\d+$/.test(v ?? "")) return false;
        const n = Number(v);
        return r.op === "gt" ? n > r.value : n < r.value;
      }
    }
  });
}

/** `matchLabels` + `matchExpressions` (metav1.LabelSelector) as used by DaemonSet selectors. */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
  }[];
}

export function selectorFromSpec(spec: LabelSelectorSpec): LabelSelector {
  const reqs: LabelSelector = Object.entries(spec.matchLabels ?? {}).map(([key, value]) => ({
    key,
    op: "=" as const,
    value,
  }));
  for (const e of spec.matchExpressions ?? []) {
    if (e.operator === "In") reqs.push({ key: e.key, op: "in", values: e.values ?? [] });
    else if (e.operator === "NotIn") reqs.push({ key: e.key, op: "notin", values: e.values ?? [] });
    else if (e.operator === "Exists") reqs.push({ key: e.key, op: "exists" });
    else reqs.push({ key: e.key, op: "!" });
  }
  return reqs;
}

/** One `field=value` / `field!=value` requirement. */
export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

/**
 * Fields each kind can be selected on besides `metadata.name` and `metadata.namespace` (the
 * apiserver's `GetAttrs`/field label conversion funcs); anything else is a 400, as on a cluster.
 */
const KIND_FIELDS: Record<string, string[]> = {
  Pod: [
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.podIPs",
    "status.nominatedNodeName",
  ],
  Event: [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  Node: ["spec.unschedulable"],
  Namespace: ["status.phase"],
  Secret: ["type"],
};

/** Parses `a=b,c!=d` (also `==`); unknown fields for `kind` → StoreError 400 `field label not supported`. */
export function parseFieldSelector(selector: string | undefined, kind: string): FieldRequirement[] {
  if (selector === undefined || selector.trim() === "") return [];
  return selector.split(",").map((raw) => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(raw.trim());
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${raw}'`);
    const [, field = "", op, value = ""] = m;
    const allowed = ["metadata.name", "metadata.namespace", ...(KIND_FIELDS[kind] ?? [])];
    if (!allowed.includes(field.trim())) {
      throw badRequest(`field label not supported: ${field.trim()}`);
    }
    return { field: field.trim(), op: op === "!=" ? "!=" : "=", value: value.trim() };
  });
}

/** The string a field selector compares against: missing → "", booleans as "true"/"false". */
export function fieldValue(obj: KubeObject, field: string): string {
  if (field === "source") return stringify(getPath(obj, ["source", "component"]));
  if (field === "status.podIPs") {
    const ips = getPath(obj, ["status", "podIPs"]);
    return Array.isArray(ips) ? stringify((ips[0] as { ip?: unknown } | undefined)?.ip) : "";
  }
  if (field === "spec.unschedulable" || field === "spec.hostNetwork") {
    return getPath(obj, field.split(".")) === true ? "true" : "false";
  }
  return stringify(getPath(obj, field.split(".")));
}

function getPath(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function stringify(v: unknown): string {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : String(v);
}

export function matchesFields(reqs: FieldRequirement[], obj: KubeObject): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === "="));
}
