/**
 * The one error type of the simulated API server. The store, the validators and the handlers all throw
 * it; `status.ts` turns it into the `Status` body a real API server sends.
 */

/** Extra context a real API server puts in `Status.details`. */
export interface StoreErrorDetails {
  name?: string;
  kind?: string;
  group?: string;
  /** Field-level causes for 422 Invalid (and some 400s). */
  causes?: { reason: string; message: string; field?: string }[];
  /** Seconds the client should wait before retrying (429/504). */
  retryAfterSeconds?: number;
}

/**
 * An API-level failure with the HTTP status and the machine-readable `reason` a real API server uses
 * (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `BadRequest`, `Expired`, `Gone`...). The message is
 * exactly the one kubectl would print after `Error from server (<reason>):`.
 */
export class StoreError extends Error {
  constructor(
    public status: number,
    public reason: string,
    message: string,
    public details?: StoreErrorDetails,
  ) {
    super(message);
    this.name = "StoreError";
  }
}

/** `pods`, `daemonsets.apps`: how the API server names a resource in messages (schema.GroupResource). */
export function qualifiedResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

/** `pods "x" not found` with details as the real server fills them. */
export function notFound(group: string, resource: string, name: string): StoreError {
  return new StoreError(404, "NotFound", `${qualifiedResource(group, resource)} "${name}" not found`, {
    name,
    group,
    kind: resource,
  });
}

export function alreadyExists(group: string, resource: string, name: string): StoreError {
  return new StoreError(
    409,
    "AlreadyExists",
    `${qualifiedResource(group, resource)} "${name}" already exists`,
    { name, group, kind: resource },
  );
}

/** Optimistic-concurrency failure: the caller's resourceVersion is not the stored one. */
export function conflict(group: string, resource: string, name: string): StoreError {
  return new StoreError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedResource(group, resource)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group, kind: resource },
  );
}

export function badRequest(message: string): StoreError {
  return new StoreError(400, "BadRequest", message);
}
