/**
 * CiliumLocalRedirectPolicy (cilium.io/v2): which pods' traffic it redirects where. A policy sends
 * traffic for its frontend (a Service by `serviceMatcher`, or an IP and ports by `addressMatcher`) to
 * the backend pods on the same node that `localEndpointSelector` selects in the policy's own
 * namespace. Pure.
 */
import { endpointLabels, selects, type EndpointSelector } from "./selector";

/** One policy, as the dashboard needs it. */
export interface LocalRedirectPolicy {
  namespace: string;
  name: string;
  /** "Service kube-system/kube-dns" or "10.96.0.10:53" — what traffic it redirects. */
  frontend: string;
  /** The frontend Service, when the policy matches one. */
  service: { namespace: string; name: string } | null;
  selector: EndpointSelector;
}

interface RawLrp {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    redirectFrontend?: {
      serviceMatcher?: { serviceName?: string; namespace?: string };
      addressMatcher?: { ip?: string; toPorts?: { port?: string }[] };
    };
    redirectBackend?: { localEndpointSelector?: EndpointSelector };
  };
}

/** The API's object into the dashboard's type; null for one without a name or backend selector. */
export function reshapeLocalRedirectPolicy(raw: unknown): LocalRedirectPolicy | null {
  const o = raw as RawLrp;
  const name = o.metadata?.name;
  const namespace = o.metadata?.namespace ?? "";
  const selector = o.spec?.redirectBackend?.localEndpointSelector;
  if (!name || !selector) return null;
  const sm = o.spec?.redirectFrontend?.serviceMatcher;
  const am = o.spec?.redirectFrontend?.addressMatcher;
  const service = sm?.serviceName ? { namespace: sm.namespace ?? namespace, name: sm.serviceName } : null;
  const frontend = service
    ? `Service ${service.namespace}/${service.name}`
    : am?.ip
      ? `${am.ip}:${(am.toPorts ?? []).map((p) => p.port ?? "").join(",")}`
      : "an unspecified frontend";
  return { namespace, name, frontend, service, selector };
}

/**
 * The policies that redirect to a pod with these labels in `namespace`: backends must be in the
 * policy's namespace (Cilium's rule), and selected by its localEndpointSelector.
 */
export function policiesSelecting(
  policies: readonly LocalRedirectPolicy[],
  pod: { namespace: string; labels: Record<string, string> },
): LocalRedirectPolicy[] {
  const labels = endpointLabels(pod.namespace, pod.labels);
  return policies.filter((p) => p.namespace === pod.namespace && selects(p.selector, labels));
}
