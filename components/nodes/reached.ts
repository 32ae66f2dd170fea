import type { NodeRow } from "@/lib/api-types";

type Verdict = NonNullable<NodeRow["reachability"]> | "none";

/** The overview's short word for each reachability verdict, and its longer explanation. Pure. */
export const REACHED: Record<Verdict, { label: string; title: string }> = {
  transparent: {
    label: "kube-dns IP",
    title: "Pods reach this cache on the kube-dns ClusterIP (iptables mode)",
  },
  "link-local-only": {
    label: "link-local only",
    title: "Queries arrive only on 169.254.20.10: pods using the kube-dns ClusterIP bypass this cache",
  },
  "no-traffic": { label: "no queries", title: "No queries in the last interval" },
  other: {
    label: "other address",
    title: "Queries arrive on addresses neither link-local nor the kube-dns IP",
  },
  redirected: {
    label: "redirect policy",
    title: "Reached through a CiliumLocalRedirectPolicy that sends pods' kube-dns queries to this pod",
  },
  "no-redirect-policy": {
    label: "no redirect policy",
    title:
      "Cilium LRP layout, but no CiliumLocalRedirectPolicy selects this pod: pods' queries go to kube-dns",
  },
  "redirect-unverified": {
    label: "unverified",
    title: "Cilium LRP layout; the dashboard cannot read CiliumLocalRedirectPolicies to confirm the redirect",
  },
  none: { label: "—", title: "Waiting for two scrapes" },
};

/** "via kube-system/nodelocaldns" for a node reached through a redirect policy, else the verdict's word. */
export function reachedLabel(r: Pick<NodeRow, "reachability" | "redirectPolicy">): string {
  if (r.reachability === "redirected" && r.redirectPolicy) return `via ${r.redirectPolicy}`;
  return REACHED[r.reachability ?? "none"].label;
}
