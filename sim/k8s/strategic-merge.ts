/**
 * Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) for the types the simulation
 * serves: maps merge, `null` deletes, lists with a `patchMergeKey` (containers by name, ports by
 * containerPort, env by name, ...) merge element-wise, other lists are replaced; the `$patch`
 * (`delete`/`replace`/`merge`), `$retainKeys`, `$deleteFromPrimitiveList/...` and `$setElementOrder/...`
 * directives are honoured as the real implementation does.
 */
import { badRequest } from "./errors";
import { isObj, type Json } from "./json";

/** How a list at a path patches: by merge key, as a set of primitives, or (undefined) replaced. */
type ListStrategy = { mergeKey: string } | { primitive: true } | undefined;

/** Merge keys of PodSpec lists, relative to the pod spec. */
const POD_SPEC_LISTS: Record<string, ListStrategy> = {
  containers: { mergeKey: "name" },
  initContainers: { mergeKey: "name" },
  ephemeralContainers: { mergeKey: "name" },
  volumes: { mergeKey: "name" },
  imagePullSecrets: { mergeKey: "name" },
  hostAliases: { mergeKey: "ip" },
  "containers.ports": { mergeKey: "containerPort" },
  "containers.env": { mergeKey: "name" },
  "containers.volumeMounts": { mergeKey: "mountPath" },
  "containers.volumeDevices": { mergeKey: "devicePath" },
  "initContainers.ports": { mergeKey: "containerPort" },
  "initContainers.env": { mergeKey: "name" },
  "initContainers.volumeMounts": { mergeKey: "mountPath" },
};

const COMMON_LISTS: Record<string, ListStrategy> = {
  "metadata.ownerReferences": { mergeKey: "uid" },
  "metadata.finalizers": { primitive: true },
  "status.conditions": { mergeKey: "type" },
};

/** The list strategy of the field at `path` (field names only, list indices dropped) for `kind`. */
export function listStrategy(kind: string, path: string[]): ListStrategy {
  const joined = path.join(".");
  if (joined in COMMON_LISTS) return COMMON_LISTS[joined];
  const podRoot = kind === "Pod" ? "spec." : kind === "DaemonSet" ? "spec.template.spec." : undefined;
  if (podRoot && joined.startsWith(podRoot)) return POD_SPEC_LISTS[joined.slice(podRoot.length)];
  if (kind === "DaemonSet" && joined === "spec.template.metadata.ownerReferences") return { mergeKey: "uid" };
  if (kind === "Service" && joined === "spec.ports") return { mergeKey: "port" };
  if (kind === "Node" && (joined === "status.addresses" || joined === "spec.taints"))
    return joined === "status.addresses" ? { mergeKey: "type" } : undefined;
  return undefined;
}

const DELETE = Symbol("delete");

/** Applies `patch` to a copy of `original`. */
export function strategicMerge(kind: string, original: unknown, patch: Json): unknown {
  const out = mergeMap(kind, isObj(original) ? structuredClone(original) : {}, patch, []);
  return out === DELETE ? {} : out;
}

function mergeMap(kind: string, original: Json, patch: Json, path: string[]): Json | typeof DELETE {
  const directive = patch.$patch;
  if (directive === "delete") return DELETE;
  if (directive === "replace") {
    const { $patch: _ignored, ...rest } = patch;
    void _ignored;
    return stripDirectives(rest);
  }
  if (directive !== undefined && directive !== "merge")
    throw badRequest(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
  let result: Json = original;
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    result = Object.fromEntries(Object.entries(result).filter(([k]) => retain.includes(k)));
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === "$patch" || key === "$retainKeys" || key.startsWith("$setElementOrder/")) continue;
    if (key.startsWith("$deleteFromPrimitiveList/")) {
      const field = key.slice("$deleteFromPrimitiveList/".length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value))
        result[field] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const childPath = [...path, key];
    const current = result[key];
    if (isObj(value)) {
      const merged = mergeMap(kind, isObj(current) ? current : {}, value, childPath);
      if (merged === DELETE) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      result[key] = mergeList(kind, Array.isArray(current) ? current : [], value, childPath);
    } else {
      result[key] = value;
    }
  }
  return result;
}

function mergeList(kind: string, original: unknown[], patch: unknown[], path: string[]): unknown[] {
  // A `{"$patch": "replace"}` element means: the list is exactly the other elements.
  if (patch.some((p) => isObj(p) && p.$patch === "replace")) {
    return patch.filter((p) => !(isObj(p) && p.$patch === "replace")).map(stripDirectivesAny);
  }
  const strategy = listStrategy(kind, path);
  if (!strategy) return patch.map(stripDirectivesAny);
  if ("primitive" in strategy) {
    const out = [...original];
    for (const p of patch) if (!out.includes(p)) out.push(p);
    return out;
  }
  const key = strategy.mergeKey;
  const out = [...original];
  for (const p of patch) {
    if (!isObj(p))
      throw badRequest(
        `unable to find api field in struct for the list at ${path.join(".")}: patch element is not a map`,
      );
    if (!(key in p))
      throw badRequest(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    const i = out.findIndex((o) => isObj(o) && o[key] === p[key]);
    if (p.$patch === "delete") {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) {
      const merged = mergeMap(kind, out[i] as Json, p, path);
      if (merged === DELETE) out.splice(i, 1);
      else out[i] = merged;
    } else {
      out.push(stripDirectives(p));
    }
  }
  return out;
}

function stripDirectivesAny(v: unknown): unknown {
  return isObj(v) ? stripDirectives(v) : v;
}

function stripDirectives(o: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith("$")) continue;
    out[k] = Array.isArray(v) ? v.map(stripDirectivesAny) : isObj(v) ? stripDirectives(v) : v;
  }
  return out;
}
