/**
 * Cilium's endpoint selectors: Kubernetes label selectors (`matchLabels`, `matchExpressions`) whose
 * keys may carry a source prefix (`k8s:k8s-app`, `any:app`). Cilium identities are built from the
 * pod's labels plus `io.kubernetes.pod.namespace`; for a namespaced policy a selector that names no
 * namespace is confined to the policy's own. Pure.
 */

/** `metav1.LabelSelector` as Cilium uses it. */
export interface EndpointSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
}

/** The label Cilium adds for a pod's namespace. */
export const NAMESPACE_LABEL = "io.kubernetes.pod.namespace";

/** `k8s:k8s-app` → `k8s-app`; sources other than k8s/any (e.g. `reserved:`) never match a pod. */
function plainKey(key: string): string | null {
  const m = /^([a-z0-9-]+):(.+)$/.exec(key);
  if (!m) return key;
  return m[1] === "k8s" || m[1] === "any" ? m[2]! : null;
}

/** A pod's identity labels: its labels plus its namespace. */
export function endpointLabels(namespace: string, labels: Record<string, string>): Record<string, string> {
  return { ...labels, [NAMESPACE_LABEL]: namespace };
}

/** Does `selector` select an endpoint with these identity labels? An empty selector selects all. */
export function selects(selector: EndpointSelector, labels: Record<string, string>): boolean {
  for (const [rawKey, value] of Object.entries(selector.matchLabels ?? {})) {
    const key = plainKey(rawKey);
    if (key === null || labels[key] !== value) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const key = plainKey(e.key);
    if (key === null) return false;
    const has = Object.hasOwn(labels, key);
    const values = e.values ?? [];
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[key]!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        // An operator the API server would have refused: select nothing rather than guess.
        return false;
    }
  }
  return true;
}

/** Does the selector name a namespace (in matchLabels or an expression)? */
function namesNamespace(selector: EndpointSelector): boolean {
  const keys = [
    ...Object.keys(selector.matchLabels ?? {}),
    ...(selector.matchExpressions ?? []).map((e) => e.key),
  ];
  return keys.some((k) => plainKey(k) === NAMESPACE_LABEL);
}

/**
 * A namespaced policy's peer selector: without a namespace of its own it selects only endpoints in
 * the policy's namespace (Cilium adds `io.kubernetes.pod.namespace: <policy namespace>`).
 */
export function selectsPeer(
  selector: EndpointSelector,
  policyNamespace: string,
  labels: Record<string, string>,
): boolean {
  if (!namesNamespace(selector) && labels[NAMESPACE_LABEL] !== policyNamespace) return false;
  return selects(selector, labels);
}
