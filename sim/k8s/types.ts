/**
 * The shapes every part of the simulated API server shares: objects are plain Kubernetes JSON, exactly
 * what goes over the wire, so nothing converts between an internal and an external form.
 */

/** An owner of an object (the DaemonSet that owns a pod, ...). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** `metadata` of every object; the store fills uid, resourceVersion, creationTimestamp and generation. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  generateName?: string;
  managedFields?: unknown[];
}

/** Plain Kubernetes JSON objects: { apiVersion, kind, metadata: {...}, spec?, status?, data? } */
export type KubeObject = { apiVersion: string; kind: string; metadata: ObjectMeta; [k: string]: unknown };

/** e.g. { group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true } */
export interface ResourceType {
  group: string;
  version: string;
  /** Plural lower-case name as in the URL. */
  resource: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs: string[];
  /** Lower-case singular name (discovery's `singularName`). */
  singularName?: string;
  /** Discovery categories, e.g. ["all"]. */
  categories?: string[];
  /** Subresources served for this resource, with their verbs (e.g. `status`, `log`). */
  subresources?: Record<string, string[]>;
  /** Whether `metadata.generation` is tracked (bumped on spec changes), as for apps/v1 workloads. */
  tracksGeneration?: boolean;
}

/** One event of a watch; BOOKMARK carries only `metadata.resourceVersion`. */
export type WatchEvent = { type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK"; object: KubeObject };

/** "apps/v1" or "v1" for the core group. */
export function apiVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}
