import type { InterceptionJson } from "@/lib/api-types";
import type { Reachability } from "@/lib/coredns/reachability";
import { formatPercent, formatRate } from "@/lib/format";

type Tone = "ok" | "warn" | "bad";

/** The verdict's sentence; the LRP verdicts name the policy or say what is missing. */
export function reachabilityText(r: Reachability): { tone: Tone; text: string } {
  switch (r.verdict) {
    case "transparent":
      return {
        tone: "ok",
        text: "Yes — pods reach this cache on the kube-dns address: queries sent to the cluster DNS IP are answered locally (iptables mode interception works).",
      };
    case "link-local-only":
      return {
        tone: "warn",
        text: "Only on the link-local address. Pods that use the kube-dns ClusterIP bypass this cache: fine in IPVS mode if the kubelet's --cluster-dns points at 169.254.20.10; otherwise check the NOTRACK rules and the `bind` line.",
      };
    case "no-traffic":
      return {
        tone: "bad",
        text: "No queries in the last interval. No pod on this node is using this cache right now.",
      };
    case "other":
      return {
        tone: "warn",
        text: "Queries arrive on addresses that are neither link-local nor the kube-dns IP (a broad bind outside the Cilium Local Redirect Policy layout, which needs hostNetwork: false and every block bound broadly).",
      };
    case "redirected": {
      const p = r.redirectPolicy;
      return {
        tone: "ok",
        text: `Yes — reached through the redirect policy ${p ? `${p.namespace}/${p.name}` : ""}: Cilium delivers the queries pods send to ${p?.frontend ?? "kube-dns"} to this pod's bind-all listener.`,
      };
    }
    case "no-redirect-policy":
      return { tone: "warn", text: r.note ?? "No CiliumLocalRedirectPolicy selects this pod." };
    case "redirect-unverified":
      return {
        tone: "warn",
        text: `Queries arrive on this pod's bind-all listener (Cilium Local Redirect Policy layout), but the dashboard cannot tell whether a policy redirects them. ${r.note ?? ""}`,
      };
  }
}

/** "Do pods really reach this cache?" answered from the `server` label (and, in the LRP layout, the policy). */
export function ReachabilityPanel({
  reachability,
  interception,
}: {
  reachability: Reachability | null;
  interception?: InterceptionJson | null;
}) {
  if (!reachability) return <p className="muted">Waiting for two scrapes to tell where queries arrive.</p>;
  const v = reachabilityText(reachability);
  return (
    <div className={`panel panel-${v.tone}`} data-verdict={reachability.verdict}>
      <p data-testid="reachability-text">{v.text}</p>
      {interception?.mode === "redirect" && (
        <p className="muted">Cilium Local Redirect Policy layout: {interception.evidence}.</p>
      )}
      <table className="data-table compact" aria-label="Queries by listen address">
        <thead>
          <tr>
            <th scope="col">Listen address (server label)</th>
            <th scope="col">Kind</th>
            <th scope="col" className="num">
              Queries
            </th>
          </tr>
        </thead>
        <tbody>
          {reachability.byAddress.map((a) => (
            <tr key={a.server}>
              <td>
                <code>{a.server}</code>
              </td>
              <td>{a.linkLocal ? "link-local" : a.bindAll ? "all interfaces" : "cluster IP"}</td>
              <td className="num">{formatRate(a.queriesPerSecond)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {reachability.clusterIpShare !== null && interception?.mode !== "redirect" && (
        <p className="muted">
          {formatPercent(reachability.clusterIpShare, 0)} of queries arrived on the kube-dns address.
        </p>
      )}
    </div>
  );
}
