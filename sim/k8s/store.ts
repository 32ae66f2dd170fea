/**
 * The simulated cluster's etcd + registry: typed object storage with one global resourceVersion
 * counter, optimistic concurrency, generation tracking, selectors and watches with a bounded event
 * window (older resourceVersions get 410 Gone, as after an etcd compaction).
 *
 * Everything here is synchronous: a write is visible and its watch events are delivered before the
 * write returns. Watch callbacks may write to the store; their events are queued and delivered in
 * resourceVersion order to every watcher.
 */
import { randomUUID } from "node:crypto";
import { applyCreateStrategy, applyDefaults } from "./strategy";
import { StoreError, alreadyExists, badRequest, conflict, notFound } from "./errors";
import { storageKey } from "./resources";
import { parseFieldSelector, parseLabelSelector } from "./selectors";
import { ChangeLog, clone, matchesWatcher, safeCall, type Watcher } from "./store-watch";
import { apiVersionOf, type KubeObject, type ResourceType, type WatchEvent } from "./types";
import { canonical } from "./canonical";

export { StoreError } from "./errors";
export { RESOURCES, ALL_RESOURCES } from "./resources";
export type { KubeObject, ObjectMeta, ResourceType, WatchEvent, OwnerReference } from "./types";

/** Selectors in the API's query-string syntax. */
export interface SelectorOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ObjectStoreOptions {
  /** How many change events are kept for watches that resume from a resourceVersion. Default 5000. */
  watchWindow?: number;
  /** Clock for creationTimestamp/deletionTimestamp (tests pin it). */
  now?: () => Date;
}

const GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** RFC 3339 with second precision, as the API server formats metav1.Time. */
export function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class ObjectStore {
  private rv = 0;
  private readonly tables = new Map<string, Map<string, KubeObject>>();
  private readonly log: ChangeLog;
  private readonly now: () => Date;

  constructor(opts: ObjectStoreOptions = {}) {
    this.log = new ChangeLog(opts.watchWindow ?? 5000);
    this.now = opts.now ?? (() => new Date());
  }

  /** The store's clock (the time managedFields entries are stamped with). */
  clock(): Date {
    return this.now();
  }

  /** The current (newest) resourceVersion, as a list returns it. */
  resourceVersion(): string {
    return String(this.rv);
  }

  get(rt: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.table(rt).get(this.objectKey(rt, namespace, name));
    return o ? clone(o) : undefined;
  }

  /**
   * The stored objects themselves, in no particular order, for in-process readers that only look
   * (the DaemonSet controller, readiness checks): copying every pod on every sync made thousands of
   * nodes quadratic. Never mutate what this returns.
   */
  peek(rt: ResourceType, namespace: string | undefined): readonly Readonly<KubeObject>[] {
    const all = [...this.table(rt).values()];
    return rt.namespaced && namespace !== undefined
      ? all.filter((o) => o.metadata.namespace === namespace)
      : all;
  }

  /** Objects in etcd key order (namespace, then name); `namespace` undefined = all namespaces. */
  list(
    rt: ResourceType,
    namespace: string | undefined,
    opts: SelectorOptions = {},
  ): { items: KubeObject[]; resourceVersion: string } {
    const labels = parseLabelSelector(opts.labelSelector);
    const fields = parseFieldSelector(opts.fieldSelector, rt.kind);
    const items = [...this.table(rt).values()]
      .filter((o) =>
        matchesWatcher(o, { rt, namespace: rt.namespaced ? namespace : undefined, labels, fields }),
      )
      .sort(byKey)
      .map(clone);
    return { items, resourceVersion: this.resourceVersion() };
  }

  /**
   * Stores a new object: assigns uid, creationTimestamp, resourceVersion, generation 1 (for types that
   * track it); `generateName` → a random 5-character suffix; apiVersion/kind come from `rt`.
   * Applies the type's create strategy (a new pod is `Pending`, a new DaemonSet has zeroed status).
   * Throws StoreError 409 AlreadyExists. `dryRun`: every check and default, nothing stored (the
   * returned object then has no resourceVersion, as a dry-run create answers).
   */
  create(rt: ResourceType, obj: KubeObject, opts: { dryRun?: boolean } = {}): KubeObject {
    const o = clone(obj);
    o.apiVersion = apiVersionOf(rt);
    o.kind = rt.kind;
    const meta = (o.metadata = { ...(o.metadata ?? {}) });
    if (!meta.name && meta.generateName)
      meta.name = this.generatedName(rt, meta.namespace, meta.generateName);
    if (!meta.name) {
      throw new StoreError(
        422,
        "Invalid",
        `${rt.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        {
          kind: rt.kind,
          group: rt.group,
          causes: [
            {
              reason: "FieldValueRequired",
              message: "Required value: name or generateName is required",
              field: "metadata.name",
            },
          ],
        },
      );
    }
    this.checkNamespace(rt, o);
    const key = this.objectKey(rt, meta.namespace, meta.name);
    if (this.table(rt).has(key)) throw alreadyExists(rt.group, rt.resource, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = formatTime(this.now());
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (rt.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    applyCreateStrategy(rt, o);
    if (opts.dryRun) {
      delete meta.resourceVersion;
      return o;
    }
    meta.resourceVersion = String(++this.rv);
    this.table(rt).set(key, o);
    this.log.record({ rv: this.rv, key: storageKey(rt), type: "ADDED", object: o });
    return clone(o);
  }

  /**
   * Replaces an object, as PUT does. `metadata.resourceVersion`, if set, must equal the stored one
   * (else StoreError 409 Conflict). uid, creationTimestamp and deletion fields cannot be changed.
   *
   * Like a real API server, a write to the main resource of a type with a `status` subresource (pods,
   * nodes, daemonsets, services, namespaces) keeps the stored `status`, and a `status` write changes
   * only `status`: controllers must pass `{ subresource: "status" }` to report status.
   * `generation` is bumped when `spec` changed. A write that changes nothing keeps the resourceVersion
   * and sends no event. `dryRun`: the result is computed and returned, nothing stored. An update that
   * removes the last finalizer of an object being deleted (not a pod) deletes it.
   */
  update(
    rt: ResourceType,
    obj: KubeObject,
    opts: { subresource?: "status" | "binding"; dryRun?: boolean } = {},
  ): KubeObject {
    const meta = obj.metadata ?? { name: "" };
    const namespace = rt.namespaced ? meta.namespace : undefined;
    const key = this.objectKey(rt, namespace, meta.name);
    const old = this.table(rt).get(key);
    if (!old) throw notFound(rt.group, rt.resource, meta.name);
    if (meta.resourceVersion && meta.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(rt.group, rt.resource, meta.name);
    }
    let next: KubeObject;
    if (opts.subresource === "status") {
      next = { ...clone(old), status: clone(obj.status) };
      if (obj.status === undefined) delete next.status;
    } else if (opts.subresource === "binding") {
      // pods/binding: spec.nodeName and the PodScheduled condition in one write (binding.ts).
      next = { ...clone(old), spec: clone(obj.spec), status: clone(obj.status) };
    } else {
      next = clone(obj);
      next.apiVersion = apiVersionOf(rt);
      next.kind = rt.kind;
      if (rt.subresources?.status) {
        if (old.status === undefined) delete next.status;
        else next.status = clone(old.status);
      }
      next.metadata = {
        ...next.metadata,
        name: old.metadata.name,
        uid: old.metadata.uid,
        creationTimestamp: old.metadata.creationTimestamp,
        resourceVersion: old.metadata.resourceVersion,
      };
      applyDefaults(rt, next);
      if (rt.namespaced) next.metadata.namespace = old.metadata.namespace;
      else delete next.metadata.namespace;
      for (const f of ["deletionTimestamp", "deletionGracePeriodSeconds", "generation"] as const) {
        if (old.metadata[f] === undefined) delete next.metadata[f];
        else (next.metadata as unknown as Record<string, unknown>)[f] = old.metadata[f];
      }
      if (rt.tracksGeneration && canonical(next.spec) !== canonical(old.spec)) {
        next.metadata.generation = (old.metadata.generation ?? 0) + 1;
      }
    }
    if (canonical(next) === canonical(old)) return clone(old);
    if (opts.dryRun) return next;
    if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length && rt.resource !== "pods") {
      // The last finalizer of an object being deleted is gone: the deletion completes now.
      this.table(rt).set(key, next);
      return this.delete(rt, namespace, meta.name);
    }
    next.metadata.resourceVersion = String(++this.rv);
    this.table(rt).set(key, next);
    this.log.record({ rv: this.rv, key: storageKey(rt), type: "MODIFIED", object: next, prev: old });
    return clone(next);
  }

  /**
   * Read-modify-write for controllers: `fn` gets a copy to change in place (or returns a replacement).
   * Retried on conflict. Pass `{ subresource: "status" }` to write status (see `update`).
   */
  mutate(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    fn: (o: KubeObject) => KubeObject | void,
    opts: { subresource?: "status" } = {},
  ): KubeObject {
    for (let attempt = 0; ; attempt++) {
      const current = this.get(rt, namespace, name);
      if (!current) throw notFound(rt.group, rt.resource, name);
      const next = fn(current) ?? current;
      try {
        return this.update(rt, next, opts);
      } catch (err) {
        if (!(err instanceof StoreError) || err.reason !== "Conflict" || attempt >= 5) throw err;
      }
    }
  }

  /**
   * Graceful deletion's first step: sets deletionTimestamp (now + grace) and
   * deletionGracePeriodSeconds and sends MODIFIED; the object stays until `delete`. Calling it again
   * may only shorten the grace period.
   */
  markDeleting(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    gracePeriodSeconds: number,
  ): KubeObject {
    const key = this.objectKey(rt, namespace, name);
    const old = this.table(rt).get(key);
    if (!old) throw notFound(rt.group, rt.resource, name);
    const current = old.metadata.deletionGracePeriodSeconds;
    if (old.metadata.deletionTimestamp && current !== undefined && current <= gracePeriodSeconds)
      return clone(old);
    const next = clone(old);
    next.metadata.deletionTimestamp = formatTime(new Date(this.now().getTime() + gracePeriodSeconds * 1000));
    next.metadata.deletionGracePeriodSeconds = gracePeriodSeconds;
    next.metadata.resourceVersion = String(++this.rv);
    this.table(rt).set(key, next);
    this.log.record({ rv: this.rv, key: storageKey(rt), type: "MODIFIED", object: next, prev: old });
    return clone(next);
  }

  /** Removes the object now; returns its last state. StoreError 404 if absent. */
  delete(rt: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const key = this.objectKey(rt, namespace, name);
    const old = this.table(rt).get(key);
    if (!old) throw notFound(rt.group, rt.resource, name);
    this.table(rt).delete(key);
    // The DELETED event carries the resourceVersion of the deletion, as etcd reports it.
    const gone = clone(old);
    gone.metadata.resourceVersion = String(++this.rv);
    this.log.record({ rv: this.rv, key: storageKey(rt), type: "DELETED", object: gone });
    return clone(gone);
  }

  /**
   * Streams changes. `sinceResourceVersion` undefined or "0": first a synthetic ADDED per existing
   * object (as the API server does), then live events. Otherwise every change after that version, then
   * live; StoreError 410 Expired "too old resource version" if it left the kept window. Replayed events
   * are delivered before `watch` returns. Returns the function that stops the watch.
   */
  watch(
    rt: ResourceType,
    namespace: string | undefined,
    sinceResourceVersion: string | undefined,
    opts: SelectorOptions,
    onEvent: (e: WatchEvent) => void,
    /** `shared`: events carry the stored object itself, not a copy (for watchers that never mutate it). */
    delivery: { shared?: boolean } = {},
  ): () => void {
    const w: Watcher = {
      shared: delivery.shared === true,
      key: storageKey(rt),
      rt,
      namespace: rt.namespaced ? namespace : undefined,
      labels: parseLabelSelector(opts.labelSelector),
      fields: parseFieldSelector(opts.fieldSelector, rt.kind),
      onEvent,
    };
    if (sinceResourceVersion === undefined || sinceResourceVersion === "" || sinceResourceVersion === "0") {
      for (const o of [...this.table(rt).values()].sort(byKey)) {
        if (matchesWatcher(o, w)) safeCall(w, { type: "ADDED", object: clone(o) });
      }
    } else {
      if (!/^\d+$/.test(sinceResourceVersion)) {
        throw badRequest(
          `resourceVersion: Invalid value: "${sinceResourceVersion}": must be a non-negative integer`,
        );
      }
      this.log.replay(w, Number(sinceResourceVersion));
    }
    return this.log.subscribe(w);
  }

  private checkNamespace(rt: ResourceType, o: KubeObject): void {
    if (!rt.namespaced) {
      delete o.metadata.namespace;
      return;
    }
    if (!o.metadata.namespace) {
      throw badRequest(
        `${rt.kind} "${o.metadata.name}": metadata.namespace is required for the namespaced resource ${rt.resource}`,
      );
    }
  }

  private generatedName(rt: ResourceType, namespace: string | undefined, prefix: string): string {
    for (;;) {
      let suffix = "";
      for (let i = 0; i < 5; i++)
        suffix += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
      const name = `${prefix}${suffix}`;
      if (!this.table(rt).has(this.objectKey(rt, namespace, name))) return name;
    }
  }

  private table(rt: ResourceType): Map<string, KubeObject> {
    const key = storageKey(rt);
    let t = this.tables.get(key);
    if (!t) {
      t = new Map();
      this.tables.set(key, t);
    }
    return t;
  }

  private objectKey(rt: ResourceType, namespace: string | undefined, name: string): string {
    return rt.namespaced ? `${namespace ?? ""}/${name}` : name;
  }
}

function byKey(a: KubeObject, b: KubeObject): number {
  const ka = `${a.metadata.namespace ?? ""}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ""}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
