/**
 * The three patch types a v1.32 API server accepts for built-in types: JSON Patch (RFC 6902), JSON
 * Merge Patch (RFC 7386) and strategic merge patch (`strategic-merge.ts`), with the status codes and
 * messages the real handler returns when a patch cannot be applied.
 */
import { StoreError, badRequest } from "./errors";
import { strategicMerge } from "./strategic-merge";
import { PATCH_MEDIA_TYPES, unsupportedMediaType } from "./status";
import { canonical } from "./canonical";
import { isObj } from "./json";

export type PatchType = "json" | "merge" | "strategic" | "apply";

/** Content-Type → patch type; anything else is 415 with the accepted list. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const mt = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (mt === "application/json-patch+json") return "json";
  if (mt === "application/merge-patch+json") return "merge";
  if (mt === "application/strategic-merge-patch+json") return "strategic";
  if (mt === "application/apply-patch+yaml") return "apply";
  throw unsupportedMediaType(PATCH_MEDIA_TYPES);
}

/** The real handler wraps json-patch apply failures in a generic 422 with the library's text as the cause. */
function patchFailed(message: string): StoreError {
  return new StoreError(422, "Invalid", "the server rejected our request due to an error in our request", {
    causes: [{ reason: "UnexpectedServerResponse", message }],
  });
}

function parsePointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw badRequest(`invalid JSON pointer: "${path}"`);
  return path
    .slice(1)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Container of the last token and the token, or a failure message. */
function locate(doc: unknown, tokens: string[], op: string, path: string): { parent: unknown; key: string } {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined || cur === null)
      throw patchFailed(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return { parent: cur, key: tokens[tokens.length - 1] ?? "" };
}

function getAt(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

function arrayIndex(arr: unknown[], key: string, forInsert: boolean, op: string, path: string): number {
  if (forInsert && key === "-") return arr.length;
  if (!/^\d+$/.test(key))
    throw patchFailed(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  const i = Number(key);
  if (i > arr.length || (!forInsert && i >= arr.length))
    throw patchFailed(`Unable to access invalid index: ${i}: invalid index referenced`);
  return i;
}

interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

/** RFC 6902 on a copy of `doc`; failures are 422 as the API server reports them, malformed patches 400. */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch))
    throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  let out = structuredClone(doc);
  for (const raw of patch as JsonPatchOp[]) {
    if (!isObj(raw) || typeof raw.op !== "string" || typeof raw.path !== "string")
      throw badRequest("Unexpected kind: unknown");
    const { op, path } = raw;
    const tokens = parsePointer(path);
    switch (op) {
      case "add":
      case "replace": {
        if (!("value" in raw)) throw badRequest(`${op} operation missing value`);
        if (tokens.length === 0) {
          out = structuredClone(raw.value);
          break;
        }
        const { parent, key } = locate(out, tokens, op, path);
        if (Array.isArray(parent)) {
          const i = arrayIndex(parent, key, op === "add", op, path);
          if (op === "add") parent.splice(i, 0, structuredClone(raw.value));
          else parent[i] = structuredClone(raw.value);
        } else if (isObj(parent)) {
          if (op === "replace" && !(key in parent))
            throw patchFailed(`replace operation does not apply: doc is missing key: ${path}: missing value`);
          parent[key] = structuredClone(raw.value);
        } else
          throw patchFailed(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
        break;
      }
      case "remove": {
        const { parent, key } = locate(out, tokens, op, path);
        if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false, op, path), 1);
        else if (isObj(parent) && key in parent) delete parent[key];
        else throw patchFailed(`Unable to remove nonexistent key: ${key}: missing value`);
        break;
      }
      case "move":
      case "copy": {
        if (typeof raw.from !== "string") throw badRequest(`${op} operation missing from`);
        const value = getAt(out, raw.from);
        if (value === undefined)
          throw patchFailed(
            `${op} operation does not apply: doc is missing from path: ${raw.from}: missing value`,
          );
        if (op === "move") out = applyJsonPatch(out, [{ op: "remove", path: raw.from }]);
        out = applyJsonPatch(out, [{ op: "add", path, value }]);
        break;
      }
      case "test": {
        const actual = getAt(out, path);
        if (canonical(actual ?? null) !== canonical(raw.value ?? null))
          throw patchFailed(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw badRequest(`Unexpected kind: ${op}`);
    }
  }
  return out;
}

/** RFC 7386: objects merge recursively, `null` deletes, anything else (arrays included) replaces. */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObj(doc) ? structuredClone(doc) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

/** Applies a parsed patch body of the given type to `doc` (a copy is returned); apply is apply.ts's. */
export function applyPatch(
  type: Exclude<PatchType, "apply">,
  kind: string,
  doc: unknown,
  patch: unknown,
): unknown {
  if (type === "json") return applyJsonPatch(doc, patch);
  if (!isObj(patch))
    throw badRequest(
      `json: cannot unmarshal ${Array.isArray(patch) ? "array" : typeof patch} into Go value of type map[string]interface {}`,
    );
  if (type === "merge") return applyMergePatch(doc, patch);
  return strategicMerge(kind, doc, patch);
}
