/**
 * The store's change log and watch fan-out: a bounded window of changes (resuming from an older
 * resourceVersion is 410 Gone, as after an etcd compaction), per-watcher filtering with the API
 * server cacher's selector transitions, and in-order delivery even when a watcher writes back.
 */
import { StoreError } from "./errors";
import { matchesFields, matchesLabels, type FieldRequirement, type LabelSelector } from "./selectors";
import type { KubeObject, ResourceType, WatchEvent } from "./types";

/** One stored write. */
export interface Change {
  rv: number;
  /** storageKey of the type. */
  key: string;
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: KubeObject;
  /** The object before a MODIFIED, for selector transitions. */
  prev?: KubeObject;
}

/** What a watch selects, and where its events go. */
export interface Watcher {
  key: string;
  rt: ResourceType;
  namespace: string | undefined;
  labels: LabelSelector;
  fields: FieldRequirement[];
  onEvent: (e: WatchEvent) => void;
  /** Events carry the stored objects, not copies (the watcher promises not to mutate them). */
  shared?: boolean;
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

export function matchesWatcher(
  o: KubeObject,
  w: Pick<Watcher, "rt" | "namespace" | "labels" | "fields">,
): boolean {
  if (w.rt.namespaced && w.namespace !== undefined && o.metadata.namespace !== w.namespace) return false;
  return matchesLabels(w.labels, o.metadata.labels) && matchesFields(w.fields, o);
}

export class ChangeLog {
  private readonly changes: Change[] = [];
  /** The newest resourceVersion dropped from the window. */
  private compactedRv = 0;
  private readonly watchers = new Set<Watcher>();
  /**
   * Watchers selecting `spec.nodeName=X` (every kubelet's pod watch), by X: a pod's change goes only
   * to its node's kubelet instead of being matched against one watcher per node, which made a
   * cluster of thousands of nodes quadratic. The rest are in `general`.
   */
  private readonly byNode = new Map<string, Set<Watcher>>();
  private readonly general = new Set<Watcher>();
  private readonly pending: Change[] = [];
  private dispatching = false;

  constructor(private readonly window: number) {}

  /** Keeps the change and delivers it to every live watcher of its type, in resourceVersion order. */
  record(c: Change): void {
    this.changes.push(c);
    while (this.changes.length > this.window) {
      const dropped = this.changes.shift();
      if (dropped) this.compactedRv = dropped.rv;
    }
    this.pending.push(c);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        for (const w of this.candidates(next)) {
          if (w.key === next.key && this.watchers.has(w)) this.deliver(w, next);
        }
      }
    } finally {
      this.dispatching = false;
    }
  }

  /** Delivers every kept change after `since`; 410 Expired when some of them were compacted away. */
  replay(w: Watcher, since: number): void {
    if (since < this.compactedRv) {
      throw new StoreError(410, "Expired", `too old resource version: ${since} (${this.compactedRv + 1})`);
    }
    for (const c of this.changes) if (c.rv > since && c.key === w.key) this.deliver(w, c);
  }

  subscribe(w: Watcher): () => void {
    this.watchers.add(w);
    const node = nodeNameSelected(w);
    let set = this.general;
    if (node !== null) {
      set = this.byNode.get(node) ?? new Set();
      this.byNode.set(node, set);
    }
    set.add(w);
    return () => {
      this.watchers.delete(w);
      set.delete(w);
      if (node !== null && set.size === 0) this.byNode.delete(node);
    };
  }

  /** The watchers a change can match, in subscription order within each group (a copy: delivery may subscribe). */
  private candidates(c: Change): Watcher[] {
    const out = [...this.general];
    if (this.byNode.size === 0) return out;
    const nodes = new Set([specNodeName(c.object), c.prev ? specNodeName(c.prev) : ""]);
    for (const n of nodes) {
      const set = n === "" ? undefined : this.byNode.get(n);
      if (set) out.push(...set);
    }
    return out;
  }

  /** Applies the watcher's filters, turning selector transitions into ADDED/DELETED as the cacher does. */
  private deliver(w: Watcher, c: Change): void {
    const now = matchesWatcher(c.object, w);
    const copy = (o: KubeObject) => (w.shared ? o : clone(o));
    if (c.type !== "MODIFIED" || !c.prev) {
      if (now) safeCall(w, { type: c.type, object: copy(c.object) });
      return;
    }
    const before = matchesWatcher(c.prev, w);
    if (now && before) safeCall(w, { type: "MODIFIED", object: copy(c.object) });
    else if (now) safeCall(w, { type: "ADDED", object: copy(c.object) });
    else if (before) {
      const gone = clone(c.prev);
      gone.metadata.resourceVersion = c.object.metadata.resourceVersion;
      safeCall(w, { type: "DELETED", object: gone });
    }
  }
}

/** X of a watch whose field selector has `spec.nodeName=X` (it can match no object of another node). */
function nodeNameSelected(w: Watcher): string | null {
  const r = w.fields.find((f) => f.field === "spec.nodeName" && f.op === "=");
  return r && r.value !== "" ? r.value : null;
}

function specNodeName(o: KubeObject): string {
  const spec = o.spec as { nodeName?: unknown } | undefined;
  return typeof spec?.nodeName === "string" ? spec.nodeName : "";
}

/** A failing watcher must not break the write that triggered it, nor other watchers. */
export function safeCall(w: Watcher, e: WatchEvent): void {
  try {
    w.onEvent(e);
  } catch (err) {
    console.error(`sim/k8s store: watch callback for ${w.rt.resource} threw:`, err);
  }
}
