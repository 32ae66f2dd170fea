/**
 * Server-side apply (`PATCH` with `Content-Type: application/apply-patch+yaml`), as
 * k8s.io/apiserver's fieldmanager and sigs.k8s.io/structured-merge-diff do it, over the field model of
 * managed-fields.ts (maps merge by key, associative lists — containers by name, ports by
 * containerPort+protocol, ... — merge by item, every other list is atomic):
 *
 * - The applied configuration is merged into the live object (or is the object, when none exists).
 * - Setting a field another manager owns to a different value is a conflict (409, the real Status
 *   with one `FieldManagerConflict` cause per field) unless `force=true`, which takes it over.
 *   Setting it to the value it has makes the applier a co-owner.
 * - The applier's `Apply` entry owns exactly the fields of its configuration; fields it applied
 *   before and now omits are removed from the object unless another manager owns them.
 */
import { StoreError } from "./errors";
import {
  fieldsOf,
  formatTime,
  isEntry,
  itemKey,
  listKeysOf,
  pathsOf,
  sortEntries,
  treeOf,
  type ManagedFieldsEntry,
} from "./managed-fields";
import type { KubeObject } from "./types";
import { isObj, type Json } from "./json";

/** The configuration merged into the live value: maps and associative lists recursively, the rest replaced. */
function merge(live: unknown, config: unknown, field?: string): unknown {
  if (isObj(config)) {
    const out: Json = isObj(live) ? structuredClone(live) : {};
    for (const [k, v] of Object.entries(config)) out[k] = merge(out[k], v, k);
    return out;
  }
  const keys = Array.isArray(config) ? listKeysOf(field, config) : undefined;
  const liveList = Array.isArray(live) ? live : [];
  if (keys && (liveList.length === 0 || listKeysOf(field, liveList))) {
    const out = (liveList as Json[]).map((i) => structuredClone(i));
    for (const item of config as Json[]) {
      const id = itemKey(keys, item);
      const at = out.findIndex((i) => itemKey(keys, i) === id);
      if (at >= 0) out[at] = merge(out[at], item) as Json;
      else out.push(structuredClone(item));
    }
    return out;
  }
  return structuredClone(config);
}

/** `.data.Corefile`, `.spec.template.spec.containers[name="node-cache"].image`: fieldpath.Path's String(). */
export function pathString(key: string): string {
  let out = "";
  for (const part of JSON.parse(key) as string[]) {
    if (part === ".") continue;
    if (part.startsWith("f:")) out += `.${part.slice(2)}`;
    else if (part.startsWith("k:")) {
      const k = JSON.parse(part.slice(2)) as Json;
      out += `[${Object.entries(k)
        .map(([n, v]) => `${n}=${JSON.stringify(v)}`)
        .join(",")}]`;
    }
  }
  return out;
}

/** The manager as the conflict message prints it (printManager): Update entries with their apiVersion. */
function printManager(e: ManagedFieldsEntry): string {
  const name = JSON.stringify(e.manager);
  const sub = e.subresource ? ` with subresource ${JSON.stringify(e.subresource)}` : "";
  return e.operation === "Update" ? `${name}${sub} using ${e.apiVersion}` : `${name}${sub}`;
}

interface Conflict {
  entry: ManagedFieldsEntry;
  path: string;
}

/** The 409 a real server answers (internal.NewConflictError), message and causes alike. */
function conflictError(conflicts: Conflict[]): StoreError {
  let message: string;
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    message = `Apply failed with 1 conflict: conflict with ${printManager(c.entry)}: ${pathString(c.path)}`;
  } else {
    const byManager = new Map<string, Conflict[]>();
    for (const c of conflicts) {
      const id = JSON.stringify([
        c.entry.manager,
        c.entry.operation,
        c.entry.subresource ?? "",
        c.entry.apiVersion,
      ]);
      byManager.set(id, [...(byManager.get(id) ?? []), c]);
    }
    const lines: string[] = [];
    for (const id of [...byManager.keys()].sort()) {
      const list = byManager.get(id)!;
      lines.push(`conflicts with ${printManager(list[0]!.entry)}:`);
      for (const c of list) lines.push(`- ${pathString(c.path)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
  }
  return new StoreError(409, "Conflict", message, {
    causes: conflicts.map((c) => ({
      reason: "FieldManagerConflict",
      message: `conflict with ${printManager(c.entry)}`,
      field: pathString(c.path),
    })),
  });
}

/** Walks to the value at a path key's parent; undefined when it is not there. */
function locate(root: unknown, parts: string[]): { parent: Json | Json[]; last: string } | undefined {
  let cur: unknown = root;
  for (const part of parts.slice(0, -1)) cur = step(cur, part);
  if (!isObj(cur) && !Array.isArray(cur)) return undefined;
  return { parent: cur, last: parts[parts.length - 1] ?? "" };
}

function step(cur: unknown, part: string): unknown {
  if (part.startsWith("f:")) return isObj(cur) ? cur[part.slice(2)] : undefined;
  if (part.startsWith("k:") && Array.isArray(cur)) {
    const keys = Object.keys(JSON.parse(part.slice(2)) as Json);
    return cur.find((i) => isObj(i) && itemKey(keys, i) === part.slice(2));
  }
  return undefined;
}

function removeAt(root: Json, parts: string[]): void {
  const at = locate(root, parts);
  if (!at) return;
  const { parent, last } = at;
  if (last.startsWith("f:") && isObj(parent)) delete parent[last.slice(2)];
  else if (last.startsWith("k:") && Array.isArray(parent)) {
    const item = step(parent, last);
    const i = parent.indexOf(item as Json);
    if (i >= 0) parent.splice(i, 1);
  }
}

/** Is anything at or under `prefix` (a container's path) owned by someone in `owned`? */
function ownsUnder(owned: Set<string>, prefix: string[]): boolean {
  const head = JSON.stringify(prefix).slice(0, -1);
  for (const k of owned) if (k.startsWith(`${head},`) || k === JSON.stringify(prefix)) return true;
  return false;
}

/** Drops empty maps the removal left behind (`data: {}` once its last key went). */
function pruneEmpty(value: unknown): void {
  if (!isObj(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (isObj(v)) {
      const hadFields = Object.keys(v).length > 0;
      pruneEmpty(v);
      if (hadFields && Object.keys(v).length === 0) delete value[k];
    }
  }
}

export interface ApplyResult {
  /** The object to store: live merged with the configuration, minus what the applier gave up. */
  object: KubeObject;
  managedFields: ManagedFieldsEntry[] | undefined;
}

/**
 * Applies `config` (the request body: apiVersion, kind, metadata.name and the fields the manager
 * cares about) over `live` (undefined: create) as `manager`.
 */
export function serverSideApply(
  live: KubeObject | undefined,
  config: KubeObject,
  opts: { manager: string; force: boolean; now: Date },
): ApplyResult {
  const entries = (live?.metadata.managedFields ?? []).filter(isEntry).map((e) => structuredClone(e));
  const isMine = (e: ManagedFieldsEntry) =>
    e.manager === opts.manager && e.operation === "Apply" && !e.subresource;
  const previous = entries.find(isMine);
  const others = entries.filter((e) => !isMine(e) && !e.subresource);
  // An applied set has leaves and list items, not the presence of maps (ToFieldSet): `f:data` holds
  // only its keys, where an Update entry also lists `f:data: {".": {}}`.
  const applied = new Map(
    [...fieldsOf(config, undefined)].filter(([p]) => {
      const parts = JSON.parse(p) as string[];
      return !(parts.at(-1) === "." && parts.at(-2)?.startsWith("f:"));
    }),
  );
  const liveFields = fieldsOf(live, undefined);

  // Conflicts: a field another manager owns that this configuration would change.
  const conflicts: Conflict[] = [];
  for (const [path, value] of applied) {
    const now = liveFields.get(path);
    if (now === undefined || now === value) continue;
    for (const e of others) if (pathsOf(e.fieldsV1).has(path)) conflicts.push({ entry: e, path });
  }
  if (conflicts.length > 0 && !opts.force) throw conflictError(conflicts);
  const takenOver = new Set(conflicts.map((c) => c.path));

  const { metadata: cmeta, ...cbody } = config;
  const base: KubeObject = live
    ? structuredClone(live)
    : { apiVersion: config.apiVersion, kind: config.kind, metadata: { name: cmeta.name } };
  const { metadata: lmeta, ...lbody } = base;
  const mergedMeta = merge(
    lmeta,
    Object.fromEntries(Object.entries(cmeta).filter(([k]) => k !== "managedFields")),
  ) as KubeObject["metadata"];
  const object = { ...(merge(lbody, cbody) as Json), metadata: mergedMeta } as KubeObject;

  // Fields this manager applied before and no longer does, that nobody else holds: removed.
  const othersOwn = new Set<string>();
  for (const e of others) for (const p of pathsOf(e.fieldsV1)) if (!takenOver.has(p)) othersOwn.add(p);
  const dropped = [...(previous ? pathsOf(previous.fieldsV1) : [])].filter(
    (p) => !applied.has(p) && !othersOwn.has(p),
  );
  const droppedItems = dropped.filter((p) => (JSON.parse(p) as string[]).at(-1) === ".");
  const removedContainers: string[][] = [];
  for (const p of droppedItems) {
    const container = (JSON.parse(p) as string[]).slice(0, -1);
    if (!ownsUnder(othersOwn, container) && !ownsUnder(new Set(applied.keys()), container)) {
      removeAt(object as unknown as Json, container);
      removedContainers.push(container);
    }
  }
  const underRemoved = (parts: string[]) =>
    removedContainers.some((c) => c.length <= parts.length && c.every((x, i) => parts[i] === x));
  for (const p of dropped) {
    const parts = JSON.parse(p) as string[];
    if (parts.at(-1) === "." || underRemoved(parts)) continue;
    removeAt(object as unknown as Json, parts);
  }
  pruneEmpty(object);

  // Ownership: the applier holds its configuration; the others keep theirs, minus what was forced
  // away or is gone from the object.
  const after = fieldsOf(object, undefined);
  const out: ManagedFieldsEntry[] = [];
  for (const e of entries) {
    if (isMine(e)) continue;
    if (e.subresource) {
      out.push(e);
      continue;
    }
    const kept = [...pathsOf(e.fieldsV1)].filter((p) => !takenOver.has(p) && after.has(p));
    if (kept.length > 0) out.push({ ...e, fieldsV1: treeOf(kept) });
  }
  const mine = [...applied.keys()].filter((p) => after.has(p));
  if (mine.length > 0) {
    out.push({
      manager: opts.manager,
      operation: "Apply",
      apiVersion: config.apiVersion,
      time: formatTime(opts.now),
      fieldsType: "FieldsV1",
      fieldsV1: treeOf(mine),
    });
  }
  return { object, managedFields: out.length > 0 ? sortEntries(out) : undefined };
}
