/**
 * A KubeConfig that acts as another person through Kubernetes impersonation: every request carries
 * the dashboard's own credentials plus `Impersonate-User` and one `Impersonate-Group` header per
 * group, so the API server's RBAC decides what that person may do (the dashboard's ServiceAccount
 * needs only `impersonate` on users and groups: deploy/base/rbac-proxy-mode.yaml).
 *
 * Why a subclass: client-node 1.4 applies credentials in two public methods: applyToHTTPSOptions
 * (Watch, Log, PortForward, and applyToFetchOptions, which calls it) and applySecurityAuthentication
 * (the generated API clients). Both are overridden. Header arrays become one header line per
 * value on the first two paths. The generated clients' RequestContext keeps headers as a string
 * record and would send `Impersonate-Group: a,b` — one group named "a,b" to a real API server, which
 * does not split on commas — and per-request middleware (ConfigurationOptions.middleware) has the
 * same string-only setHeaderParam. So for those clients the header record is made iterable as
 * name/value pairs, which node-fetch (their HTTP library) sends as separate header lines.
 */
import { KubeConfig, type RequestContext } from "@kubernetes/client-node";

/** Who to act as. Groups are sent one header each, in order. */
export interface Impersonation {
  user: string;
  groups: readonly string[];
}

type HeaderOptions = { headers?: Record<string, string | string[] | number | undefined> };

export class ImpersonatingKubeConfig extends KubeConfig {
  constructor(
    base: KubeConfig,
    readonly impersonation: Impersonation,
  ) {
    super();
    this.loadFromOptions({
      clusters: base.clusters,
      users: base.users,
      contexts: base.contexts,
      currentContext: base.getCurrentContext(),
    });
  }

  // Watch, Log, PortForward, and applyToFetchOptions (which calls this first) all pass through here.
  override async applyToHTTPSOptions(opts: Parameters<KubeConfig["applyToHTTPSOptions"]>[0]): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    const o = opts as HeaderOptions;
    o.headers ??= {};
    o.headers["Impersonate-User"] = this.impersonation.user;
    if (this.impersonation.groups.length) o.headers["Impersonate-Group"] = [...this.impersonation.groups];
    else delete o.headers["Impersonate-Group"];
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const headers = context.getHeaders();
    headers["Impersonate-User"] = this.impersonation.user;
    delete headers["Impersonate-Group"];
    const groups = this.impersonation.groups;
    // node-fetch reads an iterable headers init as [name, value] pairs: one line per group. Lazy, so
    // headers set after authentication (content type, middleware) are included too.
    Object.defineProperty(headers, Symbol.iterator, {
      enumerable: false,
      configurable: true,
      value: function* (this: Record<string, string>): Generator<[string, string]> {
        for (const [k, v] of Object.entries(this)) yield [k, v];
        for (const g of groups) yield ["Impersonate-Group", g];
      },
    });
  }
}
