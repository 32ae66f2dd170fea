/**
 * Seed 003's "gotcha": with a Local Redirect Policy, a pod's DNS query to the kube-dns ClusterIP is
 * delivered to the node-local-dns pod instead, so a CiliumNetworkPolicy whose DNS egress allows only
 * `k8s-app: kube-dns` endpoints drops it ("EGRESS DENIED ... kube-system/node-local-dns"). A policy
 * is at risk when some egress rule allows port 53 to endpoints that include kube-dns, and no egress
 * rule of the policy allows port 53 to the node-local-dns pods. Pure.
 */
import { endpointLabels, selectsPeer, type EndpointSelector } from "./selector";

interface PortProtocol {
  port?: string | number;
  endPort?: number;
  protocol?: string;
}

interface EgressRule {
  toEndpoints?: EndpointSelector[] | null;
  toPorts?: { ports?: PortProtocol[] | null }[] | null;
}

interface RawCnp {
  metadata?: { name?: string; namespace?: string };
  spec?: { egress?: EgressRule[] | null };
  specs?: { egress?: EgressRule[] | null }[] | null;
}

/** One policy whose DNS egress the redirect breaks. */
export interface PolicyAtRisk {
  namespace: string;
  name: string;
}

/** The kube-dns (CoreDNS) pods' identity labels, as the seed's policies select them. */
export const KUBE_DNS_LABELS = endpointLabels("kube-system", { "k8s-app": "kube-dns" });

/** Does this port entry allow DNS (53 over UDP or TCP)? An empty or "0" port is every port. */
function allowsDnsPort(p: PortProtocol): boolean {
  const proto = (p.protocol ?? "ANY").toUpperCase();
  if (proto !== "ANY" && proto !== "UDP" && proto !== "TCP") return false;
  if (p.port === undefined || p.port === "" || p.port === 0 || p.port === "0") return true;
  const port = Number(p.port);
  // A named port ("dns") resolves at the destination pod; both kube-dns and node-local-dns name 53 "dns".
  if (Number.isNaN(port)) return String(p.port).startsWith("dns");
  return port === 53 || (p.endPort !== undefined && port <= 53 && 53 <= p.endPort);
}

/** Does the rule allow DNS to some port (no toPorts = every port)? */
function ruleAllowsDns(rule: EgressRule): boolean {
  if (!rule.toPorts || rule.toPorts.length === 0) return true;
  return rule.toPorts.some((tp) => !tp.ports || tp.ports.length === 0 || tp.ports.some(allowsDnsPort));
}

function reaches(rule: EgressRule, policyNamespace: string, labels: Record<string, string>): boolean {
  return (rule.toEndpoints ?? []).some((s) => selectsPeer(s, policyNamespace, labels));
}

/**
 * The policies whose DNS egress allows kube-dns but not the node-local-dns pods (identity labels
 * `nodeLocalDnsLabels`, e.g. `endpointLabels("kube-system", {"k8s-app": "node-local-dns"})`).
 */
export function policiesAtRisk(
  rawPolicies: readonly unknown[],
  nodeLocalDnsLabels: Record<string, string>,
): PolicyAtRisk[] {
  const out: PolicyAtRisk[] = [];
  for (const raw of rawPolicies) {
    const p = raw as RawCnp;
    const namespace = p.metadata?.namespace ?? "";
    const name = p.metadata?.name ?? "";
    const egress = [...(p.spec?.egress ?? []), ...(p.specs ?? []).flatMap((s) => s.egress ?? [])];
    const dnsRules = egress.filter(ruleAllowsDns);
    const toKubeDns = dnsRules.some((r) => reaches(r, namespace, KUBE_DNS_LABELS));
    const toCache = dnsRules.some((r) => reaches(r, namespace, nodeLocalDnsLabels));
    if (toKubeDns && !toCache) out.push({ namespace, name });
  }
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
