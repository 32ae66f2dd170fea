import "server-only";
import type { Actor } from "@/lib/config/deps";
import { kubeConfigFor, requestIdentity, requireWriter } from "./index";

/**
 * The person behind a request that changes the cluster, as an Actor the config service acts as:
 * throws 401 (not logged in) or 403 (read-only mode); the API server's RBAC decides the rest.
 */
export function writerActor(request: Request): Actor {
  const who = requireWriter(request);
  return { user: who.user, kc: kubeConfigFor(who) };
}

/** The person behind a read, when known: reads made as them show what they may change. */
export function readerActor(request: Request): Actor | undefined {
  const who = requestIdentity(request);
  return who ? { user: who.user, kc: kubeConfigFor(who) } : undefined;
}
