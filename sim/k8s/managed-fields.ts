/**
 * `metadata.managedFields`, as a real API server keeps them for create, update and patch requests:
 * one entry per (manager, operation, subresource), each owning the fields that manager set last,
 * with the time it last changed one (k8s.io/apiserver's fieldmanager).
 *
 * - The manager is the `fieldManager` query parameter, else the User-Agent up to its first "/"
 *   (`prefixFromUserAgent`): client-node sends no fieldManager unless told; kubectl names itself
 *   `kubectl-replace`, `kubectl-edit`, `kubectl-client-side-apply`, `kubectl-create`, ...
 * - An Update takes ownership of every field it changed (others lose them), keeps what it owned before,
 *   and fields it removed are removed from every entry; a write that changes nothing changes no entry.
 * - Entries are sorted as the server sorts them: by operation, time, manager.
 *
 * Lists are keyed as k8s.io/api declares them (`k:{"name":"…"}` for containers, `k:{"containerPort":53,
 * "protocol":"UDP"}` for ports, LIST_KEYS); every other list is one atomic field (no `v:` set items);
 * the time has the API's one-second precision.
 */
import { badRequest, StoreError } from "./errors";
import type { KubeObject } from "./types";
import { canonical } from "./canonical";
import { isObj } from "./json";

/** One entry, as the API serves it. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: "Update" | "Apply";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: FieldsV1;
  subresource?: string;
}

/** The FieldsV1 tree: `{"f:data": {".": {}, "f:Corefile": {}}}`. */
export type FieldsV1 = { [key: string]: FieldsV1 };

/** Metadata the server owns; never listed in managedFields. */
const SERVER_METADATA = new Set([
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
]);

const MAX_MANAGER_LENGTH = 128;

/**
 * The manager a request writes as. A given `fieldManager` must be printable and at most 128
 * characters (422 otherwise, as the server answers); without one, the User-Agent's prefix.
 */
export function fieldManagerOf(query: URLSearchParams, userAgent: string | undefined): string {
  const given = query.get("fieldManager");
  if (given !== null) {
    if (given.length > MAX_MANAGER_LENGTH) {
      throw new StoreError(
        422,
        "Invalid",
        `fieldManager: Invalid value: "${given}": must be less than ${MAX_MANAGER_LENGTH} characters`,
        {},
      );
    }
    if (/[\u0000-\u001f\u007f]/.test(given)) {
      throw badRequest(`invalid field manager "${given}": must only contain printable characters`);
    }
    return given;
  }
  const prefix = (userAgent ?? "").split("/")[0]!.replace(/[\u0000-\u001f\u007f]/g, "");
  return prefix.slice(0, MAX_MANAGER_LENGTH);
}

type Path = string[];
const keyOf = (p: Path) => JSON.stringify(p);

/**
 * Map-typed fields (string maps, not structs): the real server lists their own presence as "." as it
 * does for list items; struct fields (metadata, spec, ...) get no ".".
 */
const MAP_FIELDS = new Set([
  "data",
  "binaryData",
  "stringData",
  "labels",
  "annotations",
  "nodeSelector",
  "matchLabels",
]);

/**
 * Associative lists (`+listType=map`) of the types served, by field name, with their `listMapKey`s as
 * k8s.io/api declares them; every other list is atomic (args, command, tolerations, RBAC rules...).
 * `ports` are a container's (containerPort, protocol) or a Service's (port, protocol).
 */
const LIST_KEYS: Record<string, string[]> = {
  containers: ["name"],
  initContainers: ["name"],
  ephemeralContainers: ["name"],
  env: ["name"],
  volumes: ["name"],
  volumeMounts: ["mountPath"],
  volumeDevices: ["devicePath"],
  imagePullSecrets: ["name"],
  hostAliases: ["ip"],
  ownerReferences: ["uid"],
  topologySpreadConstraints: ["topologyKey", "whenUnsatisfiable"],
  resourceClaims: ["name"],
};

/** Key fields with a default the server fills in before keying (protocol: TCP). */
const KEY_DEFAULTS: Record<string, unknown> = { protocol: "TCP" };

/** The list-map keys of list `field` holding `items`, or undefined when it is atomic. */
export function listKeysOf(field: string | undefined, items: readonly unknown[]): string[] | undefined {
  if (field === undefined || items.length === 0 || !items.every(isObj)) return undefined;
  const objects = items as Record<string, unknown>[];
  let keys = LIST_KEYS[field];
  if (field === "ports")
    keys = "containerPort" in objects[0]! ? ["containerPort", "protocol"] : ["port", "protocol"];
  if (!keys) return undefined;
  const ids = objects.map((i) => itemKey(keys, i));
  if (ids.some((k) => k === undefined) || new Set(ids).size !== ids.length) return undefined;
  return keys;
}

/** An item's key as FieldsV1 writes it (`{"containerPort":53,"protocol":"UDP"}`), undefined if a key is missing. */
export function itemKey(keys: readonly string[], item: Record<string, unknown>): string | undefined {
  const key: Record<string, unknown> = {};
  for (const k of keys) {
    const v = item[k] ?? KEY_DEFAULTS[k];
    if (v === undefined || v === null || typeof v === "object") return undefined;
    key[k] = v;
  }
  return JSON.stringify(key);
}

/** Every field path in `value` under `prefix`, with its value's canonical JSON (containers as "{}"). */
function collect(
  value: unknown,
  prefix: Path,
  out: Map<string, string>,
  presence = false,
  field?: string,
): void {
  if (isObj(value)) {
    if (presence) out.set(keyOf([...prefix, "."]), "{}");
    for (const [k, v] of Object.entries(value)) collect(v, [...prefix, `f:${k}`], out, MAP_FIELDS.has(k), k);
    return;
  }
  const keys = Array.isArray(value) ? listKeysOf(field, value) : undefined;
  if (keys) {
    for (const item of value as Record<string, unknown>[]) {
      collect(item, [...prefix, `k:${itemKey(keys, item)!}`], out, true);
    }
    return;
  }
  out.set(keyOf(prefix), canonical(value));
}

/**
 * The object's fields a manager can own: everything but server-set metadata (and status for main
 * writes), as path keys (JSON arrays of FieldsV1 segments) with each leaf's canonical JSON.
 */
export function fieldsOf(o: KubeObject | undefined, subresource: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!o) return out;
  if (subresource === "status") {
    collect({ status: o.status }, [], out);
    return out;
  }
  const { apiVersion: _a, kind: _k, status: _s, metadata, ...rest } = o;
  const meta = Object.fromEntries(Object.entries(metadata ?? {}).filter(([k]) => !SERVER_METADATA.has(k)));
  collect({ ...rest, ...(Object.keys(meta).length > 0 ? { metadata: meta } : {}) }, [], out);
  return out;
}

/** FieldsV1 tree → set of path keys. */
export function pathsOf(tree: FieldsV1, prefix: Path = [], out = new Set<string>()): Set<string> {
  for (const [k, sub] of Object.entries(tree)) {
    const p = [...prefix, k];
    if (k === "." || Object.keys(sub).length === 0) out.add(keyOf(p));
    else pathsOf(sub, p, out);
  }
  return out;
}

/** Set of path keys → FieldsV1 tree. */
export function treeOf(paths: Iterable<string>): FieldsV1 {
  const root: FieldsV1 = {};
  for (const key of paths) {
    let node = root;
    for (const part of JSON.parse(key) as Path) node = node[part] ??= {};
  }
  return root;
}

export function isEntry(e: unknown): e is ManagedFieldsEntry {
  return isObj(e) && typeof e.manager === "string" && isObj(e.fieldsV1);
}

/** Second-precision RFC 3339, as metav1.Time serialises. */
export const formatTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export function sortEntries(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  return entries.sort(
    (a, b) =>
      a.operation.localeCompare(b.operation) ||
      Date.parse(a.time) - Date.parse(b.time) ||
      a.manager.localeCompare(b.manager) ||
      (a.subresource ?? "").localeCompare(b.subresource ?? ""),
  );
}

/**
 * The managedFields to store for a write of `next` over `old` (undefined on create) by `manager`.
 * `next.metadata.managedFields`, when the request set them to something other than the live ones, are
 * taken as given (a client may reset them; `[{}]` clears them), as the real server does.
 */
export function updateManagedFields(
  old: KubeObject | undefined,
  next: KubeObject,
  w: { manager: string; operation: "Update" | "Apply"; now: Date; subresource?: string },
): ManagedFieldsEntry[] | undefined {
  const live = (old?.metadata.managedFields ?? []).filter(isEntry);
  const sent = next.metadata.managedFields;
  let entries = live.map((e) => structuredClone(e));
  if (Array.isArray(sent) && JSON.stringify(sent) !== JSON.stringify(old?.metadata.managedFields ?? [])) {
    entries = sent.filter(isEntry).map((e) => structuredClone(e));
    if (entries.length === 0) return undefined;
  }
  const before = fieldsOf(old, w.subresource);
  const after = fieldsOf(next, w.subresource);
  const changed = new Set<string>();
  for (const [k, v] of after) if (before.get(k) !== v) changed.add(k);
  const removed = new Set<string>([...before.keys()].filter((k) => !after.has(k)));
  if (changed.size === 0 && removed.size === 0) return entries.length > 0 ? entries : undefined;
  const apiVersion = next.apiVersion;
  const mine = (e: ManagedFieldsEntry) =>
    e.manager === w.manager && e.operation === w.operation && (e.subresource ?? "") === (w.subresource ?? "");
  const previous = entries.find(mine);
  const out: ManagedFieldsEntry[] = [];
  for (const e of entries) {
    if (e === previous) continue;
    const kept = [...pathsOf(e.fieldsV1)].filter((k) => !changed.has(k) && !removed.has(k));
    if (kept.length > 0) out.push({ ...e, fieldsV1: treeOf(kept) });
  }
  const owned = new Set([...(previous ? pathsOf(previous.fieldsV1) : []), ...changed]);
  for (const k of removed) owned.delete(k);
  // Only paths that still exist: a container node "." whose object is gone goes with it.
  const ownedNow = [...owned].filter((k) => after.has(k));
  if (ownedNow.length > 0) {
    out.push({
      manager: w.manager,
      operation: w.operation,
      apiVersion,
      time: formatTime(w.now),
      fieldsType: "FieldsV1",
      fieldsV1: treeOf(ownedNow),
      ...(w.subresource ? { subresource: w.subresource } : {}),
    });
  }
  return out.length > 0 ? sortEntries(out) : undefined;
}
