/**
 * create (POST), update (PUT), patch (PATCH) and delete (DELETE) with the API server's order of checks:
 * decode (400) → name/namespace consistency (400) → admission (namespace exists) → validation (422) →
 * optimistic concurrency (409) → store, or with `?dryRun=All` return the result and store nothing.
 */
import type { RequestContext } from "./context";
import { StoreError, badRequest, notFound } from "./errors";
import { isDryRun, parseBody, readBody, sendJson } from "./http";
import { applyPatch, patchTypeOf } from "./patch";
import { RESOURCES } from "./resources";
import { handleSelfSubjectAccessReview, handleSelfSubjectRulesReview } from "./ssar";
import { decodeProtobufObject, isProtobuf } from "./protobuf";
import {
  BODY_MEDIA_TYPES,
  methodNotAllowed,
  resourceNotFound,
  successStatus,
  unsupportedMediaType,
} from "./status";
import { applyDefaults } from "./strategy";
import { checkNoEscalation } from "./rbac-escalation";
import { apiVersionOf, type KubeObject, type ResourceType } from "./types";
import YAML from "yaml";
import { checkDecodable, validateObject } from "./validation";
import { deleteObject } from "./deletion";
import { enforceFieldValidation } from "./field-validation";
import { fieldManagerOf, updateManagedFields, type ManagedFieldsEntry } from "./managed-fields";
import { serverSideApply } from "./apply";

/** Sets metadata.managedFields on what a create/update/patch will store, as the real server does. */
function manageFields(
  ctx: RequestContext,
  old: KubeObject | undefined,
  candidate: KubeObject,
  next: KubeObject,
): void {
  const entries = updateManagedFields(old, candidate, {
    manager: fieldManagerOf(ctx.query, ctx.req.headers["user-agent"]),
    operation: "Update",
    now: ctx.store.clock(),
  });
  if (entries) next.metadata.managedFields = entries;
  else delete next.metadata.managedFields;
}

function setManagedFields(o: KubeObject, entries: ManagedFieldsEntry[] | undefined): void {
  if (entries) o.metadata.managedFields = entries;
  else delete o.metadata.managedFields;
}

function namespaceOf(ctx: RequestContext): string | undefined {
  return ctx.rt.namespaced ? ctx.info.namespace : undefined;
}

/** NamespaceLifecycle admission: no new objects in a namespace that does not exist or is going away. */
function admitNamespace(ctx: RequestContext, ns: string | undefined): void {
  if (!ctx.rt.namespaced || ns === undefined) return;
  const nsObj = ctx.store.get(RESOURCES.namespaces, undefined, ns);
  if (!nsObj) throw notFound("", "namespaces", ns);
  if (nsObj.metadata.deletionTimestamp) {
    throw new StoreError(
      403,
      "Forbidden",
      `${ctx.rt.resource} "${""}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
      {
        kind: ctx.rt.resource,
      },
    );
  }
}

/** The namespace in the body must be empty or equal the URL's. */
function reconcileNamespace(rt: ResourceType, o: KubeObject, ns: string | undefined): void {
  if (!rt.namespaced) {
    delete o.metadata.namespace;
    return;
  }
  if (o.metadata.namespace && o.metadata.namespace !== ns) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  o.metadata.namespace = ns;
}

/** The request body as JSON: JSON or YAML as sent, or the kinds kubectl's typed clients send in protobuf. */
async function readObject(ctx: RequestContext): Promise<unknown> {
  // NegotiateInputSerializer: no Content-Type means JSON; one no serializer reads is 415.
  const mt = (ctx.req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (mt !== "" && !BODY_MEDIA_TYPES.includes(mt)) throw unsupportedMediaType(BODY_MEDIA_TYPES);
  const raw = await readBody(ctx.req);
  if (isProtobuf(ctx.req.headers["content-type"])) return decodeProtobufObject(raw);
  return parseBody(raw, ctx.req.headers["content-type"]);
}

export async function handleCreate(ctx: RequestContext): Promise<void> {
  const { rt, store, res } = ctx;
  const body = await readObject(ctx);
  if (rt === RESOURCES.selfsubjectaccessreviews) {
    handleSelfSubjectAccessReview(ctx, body);
    return;
  }
  if (rt === RESOURCES.selfsubjectrulesreviews) {
    handleSelfSubjectRulesReview(ctx, body);
    return;
  }
  if (ctx.info.subresource) throw methodNotAllowed();
  const dryRun = isDryRun(ctx.query);
  const o = checkDecodable(rt, body);
  enforceFieldValidation(rt, o, ctx.query, res);
  const ns = namespaceOf(ctx);
  if (rt.namespaced && !ns) throw resourceNotFound();
  reconcileNamespace(rt, o, ns);
  admitNamespace(ctx, ns);
  validateObject(rt, o, { creating: true });
  checkNoEscalation(store, ctx.user, rt, o);
  const defaulted = structuredClone(o);
  applyDefaults(rt, defaulted);
  manageFields(ctx, undefined, defaulted, o);
  const created = store.create(rt, o, { dryRun });
  sendJson(res, 201, created);
}

/**
 * Shared by PUT and PATCH: checks, then store.update (status subresource honoured). `applied`: the
 * managedFields server-side apply computed (instead of an Update entry).
 */
function commitUpdate(
  ctx: RequestContext,
  next: KubeObject,
  current: KubeObject,
  applied?: { managedFields: ManagedFieldsEntry[] | undefined },
): KubeObject {
  const { rt, store, info } = ctx;
  const name = info.name ?? "";
  if (next.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  reconcileNamespace(rt, next, namespaceOf(ctx));
  if (next.metadata.uid && next.metadata.uid !== current.metadata.uid) {
    throw new StoreError(
      409,
      "Conflict",
      `Precondition failed: UID in precondition: ${next.metadata.uid}, UID in object meta: ${current.metadata.uid ?? ""}`,
      {
        name,
        group: rt.group,
        kind: rt.resource,
      },
    );
  }
  const status = info.subresource === "status";
  if (info.subresource && !status) throw methodNotAllowed();
  if (status && !rt.subresources?.status) throw resourceNotFound();
  // Validate what would be stored: for a status write, only status changes; a main write is
  // defaulted first, as the API server decodes it, so omitted defaults are not "changes".
  const candidate = status
    ? {
        ...current,
        status: next.status,
        metadata: { ...current.metadata, resourceVersion: next.metadata.resourceVersion },
      }
    : structuredClone(next);
  if (!status) applyDefaults(rt, candidate);
  validateObject(rt, candidate, { creating: false, old: current });
  if (!status) checkNoEscalation(store, ctx.user, rt, candidate);
  // Status writes keep the stored metadata (store.update), so their entries are not tracked here.
  if (!status && applied) setManagedFields(next, applied.managedFields);
  else if (!status) manageFields(ctx, current, candidate, next);
  return store.update(rt, next, { subresource: status ? "status" : undefined, dryRun: isDryRun(ctx.query) });
}

export async function handleUpdate(ctx: RequestContext): Promise<void> {
  const body = await readObject(ctx);
  const o = checkDecodable(ctx.rt, body);
  enforceFieldValidation(ctx.rt, o, ctx.query, ctx.res);
  const current = ctx.store.get(ctx.rt, namespaceOf(ctx), ctx.info.name ?? "");
  if (!current) throw notFound(ctx.rt.group, ctx.rt.resource, ctx.info.name ?? "");
  sendJson(ctx.res, 200, commitUpdate(ctx, o, current));
}

/** PatchOptions validation (ValidatePatchOptions): 422 on PatchOptions.meta.k8s.io, as the real handler. */
function patchOptionsInvalid(field: string, reason: string, detail: string): StoreError {
  return new StoreError(422, "Invalid", `PatchOptions.meta.k8s.io "" is invalid: ${field}: ${detail}`, {
    group: "meta.k8s.io",
    kind: "PatchOptions",
    causes: [{ reason, message: detail, field }],
  });
}

/** `force` only with apply, and then only true/false (metav1.PatchOptions decoding). */
function forceOf(ctx: RequestContext, apply: boolean): boolean {
  const raw = ctx.query.get("force");
  if (raw === null) return false;
  if (!apply)
    throw patchOptionsInvalid(
      "force",
      "FieldValueForbidden",
      "Forbidden: may not be specified for non-apply patch",
    );
  if (raw !== "true" && raw !== "false")
    throw badRequest(`strconv.ParseBool: parsing "${raw}": invalid syntax`);
  return raw === "true";
}

/** Server-side apply: create-on-apply, conflicts per field manager, fields given up are removed (apply.ts). */
async function handleApply(ctx: RequestContext, raw: Buffer): Promise<void> {
  const { rt, store, query, res } = ctx;
  if (!query.get("fieldManager"))
    throw patchOptionsInvalid(
      "fieldManager",
      "FieldValueRequired",
      "Required value: is required for apply patch",
    );
  const manager = fieldManagerOf(query, undefined);
  const force = forceOf(ctx, true);
  let body: unknown;
  try {
    body = YAML.parse(raw.toString("utf8")) as unknown;
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
  const expected = apiVersionOf(rt);
  // structuredmerge's own check comes before decoding, with its own words.
  const version = (body as { apiVersion?: unknown } | null)?.apiVersion;
  if (version !== expected)
    throw badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${typeof version === "string" ? version : ""}, expected: ${expected}`,
    );
  const config = checkDecodable(rt, body);
  if (config.metadata.managedFields !== undefined) throw badRequest("metadata.managedFields must be nil");
  const name = ctx.info.name ?? "";
  if (config.metadata.name !== undefined && config.metadata.name !== name)
    throw badRequest(
      `the name of the object (${config.metadata.name}) does not match the name on the URL (${name})`,
    );
  config.metadata.name = name;
  const ns = namespaceOf(ctx);
  const current = store.get(rt, ns, name);
  const now = store.clock();
  if (!current) {
    // Apply creates what does not exist yet, through the create path's checks.
    const { object, managedFields } = serverSideApply(undefined, config, { manager, force, now });
    enforceFieldValidation(rt, object, query, res);
    reconcileNamespace(rt, object, ns);
    admitNamespace(ctx, ns);
    validateObject(rt, object, { creating: true });
    checkNoEscalation(store, ctx.user, rt, object);
    setManagedFields(object, managedFields);
    sendJson(res, 201, store.create(rt, object, { dryRun: isDryRun(query) }));
    return;
  }
  const { object, managedFields } = serverSideApply(current, config, { manager, force, now });
  enforceFieldValidation(rt, object, query, res);
  sendJson(res, 200, commitUpdate(ctx, object, current, { managedFields }));
}

export async function handlePatch(ctx: RequestContext): Promise<void> {
  const type = patchTypeOf(ctx.req.headers["content-type"]);
  const raw = await readBody(ctx.req);
  if (type === "apply") return handleApply(ctx, raw);
  forceOf(ctx, false);
  let patch: unknown;
  try {
    patch = JSON.parse(raw.toString("utf8"));
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
  const current = ctx.store.get(ctx.rt, namespaceOf(ctx), ctx.info.name ?? "");
  if (!current) throw notFound(ctx.rt.group, ctx.rt.resource, ctx.info.name ?? "");
  const patched = applyPatch(type, ctx.rt.kind, current, patch);
  const o = checkDecodable(ctx.rt, patched);
  enforceFieldValidation(ctx.rt, o, ctx.query, ctx.res);
  sendJson(ctx.res, 200, commitUpdate(ctx, o, current));
}

/** DeleteOptions from the body or the query string. */
interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  preconditions?: { uid?: string; resourceVersion?: string };
}

async function deleteOptions(ctx: RequestContext): Promise<DeleteOptions> {
  const raw = await readBody(ctx.req);
  // Typed clients may send DeleteOptions in protobuf; its defaults are what we would assume anyway.
  const parsed = isProtobuf(ctx.req.headers["content-type"]) ? undefined : parseBody(raw, "application/json");
  const body = (parsed ?? {}) as DeleteOptions & { kind?: string };
  const q = ctx.query.get("gracePeriodSeconds");
  if (q !== null) body.gracePeriodSeconds = Number(q);
  const p = ctx.query.get("propagationPolicy");
  if (p === "Orphan" || p === "Background" || p === "Foreground") body.propagationPolicy = p;
  if (body.gracePeriodSeconds !== undefined && !Number.isInteger(body.gracePeriodSeconds))
    throw badRequest("gracePeriodSeconds must be an integer");
  return body;
}

export async function handleDelete(ctx: RequestContext): Promise<void> {
  const { rt, store, info, res } = ctx;
  const opts = await deleteOptions(ctx);
  const dryRun = isDryRun(ctx.query);
  const current = store.get(rt, namespaceOf(ctx), info.name ?? "");
  if (!current) throw notFound(rt.group, rt.resource, info.name ?? "");
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== current.metadata.uid) {
    throw new StoreError(
      409,
      "Conflict",
      `Operation cannot be fulfilled on ${rt.group ? `${rt.resource}.${rt.group}` : rt.resource} "${current.metadata.name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ""}`,
      { name: current.metadata.name, group: rt.group, kind: rt.resource },
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw new StoreError(
      409,
      "Conflict",
      `Operation cannot be fulfilled on ${rt.group ? `${rt.resource}.${rt.group}` : rt.resource} "${current.metadata.name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ""}`,
      { name: current.metadata.name, group: rt.group, kind: rt.resource },
    );
  }
  if (dryRun) {
    sendJson(
      res,
      200,
      rt === RESOURCES.pods
        ? current
        : successStatus(rt.group, rt.resource, current.metadata.name, current.metadata.uid),
    );
    return;
  }
  const result = deleteObject(store, ctx.hooks, rt, current, opts);
  // What is still there (a terminating pod, an object held by finalizers) is returned; an object that
  // is gone is answered with a Success Status, as a real server does.
  const stillThere = store.get(rt, namespaceOf(ctx), current.metadata.name) !== undefined;
  sendJson(
    res,
    200,
    rt === RESOURCES.pods || stillThere
      ? result
      : successStatus(rt.group, rt.resource, current.metadata.name, current.metadata.uid),
  );
}

export async function handleDeleteCollection(ctx: RequestContext): Promise<void> {
  const { rt, store, res, query } = ctx;
  const opts = await deleteOptions(ctx);
  const dryRun = isDryRun(query);
  const { items, resourceVersion } = store.list(rt, namespaceOf(ctx), {
    labelSelector: query.get("labelSelector") ?? undefined,
    fieldSelector: query.get("fieldSelector") ?? undefined,
  });
  const deleted = dryRun ? items : items.map((o) => deleteObject(store, ctx.hooks, rt, o, opts));
  sendJson(res, 200, {
    kind: `${rt.kind}List`,
    apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version,
    metadata: { resourceVersion },
    items: deleted,
  });
}
