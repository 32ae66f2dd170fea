import type { Reachability } from "@/lib/coredns/reachability";
import { formatPercent, formatRate } from "@/lib/format";

const VERDICT: Record<Reachability["verdict"], { tone: string; text: string }> = {
  transparent: {
    tone: "ok",
    text: "Yes — pods reach this cache on the kube-dns address: queries sent to the cluster DNS IP are answered locally (iptables mode interception works).",
  },
  "link-local-only": {
    tone: "warn",
    text: "Only on the link-local address. Pods that use the kube-dns ClusterIP bypass this cache: fine in IPVS mode if the kubelet's --cluster-dns points at 169.254.20.10; otherwise check the NOTRACK rules and the `bind` line.",
  },
  "no-traffic": {
    tone: "bad",
    text: "No queries in the last interval. No pod on this node is using this cache right now.",
  },
  other: {
    tone: "warn",
    text: "Queries arrive on addresses that are neither link-local nor the kube-dns IP (a broad bind, e.g. Cilium Local Redirect Policy).",
  },
};

/** "Do pods really reach this cache?" answered from the `server` label. */
export function ReachabilityPanel({ reachability }: { reachability: Reachability | null }) {
  if (!reachability) return <p className="muted">Waiting for two scrapes to tell where queries arrive.</p>;
  const v = VERDICT[reachability.verdict];
  return (
    <div className={`panel panel-${v.tone}`} data-verdict={reachability.verdict}>
      <p>{v.text}</p>
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
              <td>{a.linkLocal ? "link-local" : a.address ? "cluster IP" : "all interfaces"}</td>
              <td className="num">{formatRate(a.queriesPerSecond)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {reachability.clusterIpShare !== null && (
        <p className="muted">
          {formatPercent(reachability.clusterIpShare, 0)} of queries arrived on the kube-dns address.
        </p>
      )}
    </div>
  );
}
