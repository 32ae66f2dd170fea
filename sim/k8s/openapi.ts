/**
 * A minimal OpenAPI v3 discovery: the root index and, per group version, the operations of each
 * resource with their `x-kubernetes-group-version-kind` and the `fieldValidation`/`dryRun` query
 * parameters. kubectl reads this to learn that the server validates fields itself (it then sends
 * `fieldValidation=Strict` instead of downloading schemas for client-side validation). Schemas are
 * not served, so `kubectl explain` and client-side `kubectl apply` are not supported.
 */
import { createHash } from "node:crypto";
import { ALL_RESOURCES } from "./resources";
import type { ResourceType } from "./types";

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of ALL_RESOURCES) seen.set(gvPath(r.group, r.version), { group: r.group, version: r.version });
  return [...seen.values()];
}

const param = (name: string) => ({ name, in: "query", schema: { type: "string", uniqueItems: true } });
const WRITE_PARAMS = [param("dryRun"), param("fieldManager"), param("fieldValidation")];

function operations(r: ResourceType): Record<string, unknown> {
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const op = (verb: string, params: unknown[]) => ({
    "x-kubernetes-action": verb,
    "x-kubernetes-group-version-kind": gvk,
    parameters: params,
    responses: { "200": { description: "OK" } },
  });
  const base = `/${gvPath(r.group, r.version)}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.resource}`;
  const paths: Record<string, unknown> = {};
  const collection: Record<string, unknown> = {};
  if (r.verbs.includes("list")) collection.get = op("list", []);
  if (r.verbs.includes("create")) collection.post = op("post", WRITE_PARAMS);
  paths[base] = collection;
  if (r.verbs.includes("get")) {
    paths[`${base}/{name}`] = {
      get: op("get", []),
      put: op("put", WRITE_PARAMS),
      patch: op("patch", [...WRITE_PARAMS, param("force")]),
      delete: op("delete", [param("dryRun")]),
    };
  }
  return paths;
}

function document(group: string, version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const r of ALL_RESOURCES)
    if (r.group === group && r.version === version) Object.assign(paths, operations(r));
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.32.4" },
    paths,
    components: { schemas: {} },
  };
}

/** `/openapi/v3`: where each group version's document lives. */
export function openApiIndex(): unknown {
  const paths: Record<string, unknown> = {};
  for (const { group, version } of groupVersions()) {
    const hash = createHash("sha512")
      .update(JSON.stringify(document(group, version)))
      .digest("hex")
      .slice(0, 64)
      .toUpperCase();
    paths[gvPath(group, version)] = {
      serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}`,
    };
  }
  return { paths };
}

/** `/openapi/v3/api/v1`, `/openapi/v3/apis/apps/v1`...; undefined when not served. */
export function openApiDocument(path: string): unknown {
  const gv = groupVersions().find(({ group, version }) => `/openapi/v3/${gvPath(group, version)}` === path);
  return gv ? document(gv.group, gv.version) : undefined;
}
