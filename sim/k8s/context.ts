/**
 * What every resource handler gets: the authenticated user, the parsed request, the resource type and
 * the extension points the cluster runtime plugs in (pods/log, pods/proxy, pods/portforward, graceful
 * pod deletion).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { ObjectStore } from "./store";
import type { UserInfo } from "./rbac";
import type { RequestInfo } from "./request-info";
import type { KubeObject, ResourceType } from "./types";

/** A resource request, after authentication and authorization. */
export type ResourceRequestInfo = Extract<RequestInfo, { isResourceRequest: true }>;

/** Arguments of the pods/log hook; the hook writes the response (text/plain, chunked when following). */
export interface PodLogHookArgs {
  namespace: string;
  name: string;
  pod: KubeObject;
  /** container, follow, previous, sinceSeconds, sinceTime, timestamps, tailLines, limitBytes... */
  query: URLSearchParams;
  req: IncomingMessage;
  res: ServerResponse;
}

/** Arguments of the pods/proxy hook; the hook forwards the request and writes the response. */
export interface PodProxyHookArgs {
  namespace: string;
  name: string;
  pod: KubeObject;
  /** The port from `name:port`, if given (a number or a port name). */
  port: string | undefined;
  /** Path after `/proxy`, with a leading "/" and the query string (proxy-only params removed). */
  pathAndQuery: string;
  req: IncomingMessage;
  res: ServerResponse;
}

/** Arguments of the pods/portforward hook: the raw upgrade, authenticated and authorized. */
export interface PodPortForwardHookArgs {
  namespace: string;
  name: string;
  pod: KubeObject;
  /** From `?ports=9253&ports=8080` (or comma-separated); may be empty for SPDY, where streams name them. */
  ports: number[];
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
}

/**
 * Extension points for the cluster runtime. Hooks may throw a StoreError (404, 400...) before writing
 * anything; the server turns it into a Status response. They can be set after the server started.
 */
export interface ApiServerHooks {
  podLog?: (args: PodLogHookArgs) => void | Promise<void>;
  podProxy?: (args: PodProxyHookArgs) => void | Promise<void>;
  podPortForward?: (args: PodPortForwardHookArgs) => void | Promise<void>;
  /**
   * Graceful pod deletion: called after DELETE set deletionTimestamp and deletionGracePeriodSeconds;
   * the kubelet stops the container and removes the pod with `store.delete`. Without this hook a
   * DELETE removes the pod at once.
   */
  onPodDeleteRequested?: (pod: KubeObject) => void;
  /** Every resource request, once authorised (tests count lists and watches with it). */
  onResourceRequest?: (verb: string, resource: string) => void;
}

export interface RequestContext {
  store: ObjectStore;
  hooks: ApiServerHooks;
  user: UserInfo;
  info: ResourceRequestInfo;
  rt: ResourceType;
  query: URLSearchParams;
  req: IncomingMessage;
  res: ServerResponse;
  /** See ApiServerOptions.bookmarkIntervalMs. */
  bookmarkIntervalMs?: number;
}
