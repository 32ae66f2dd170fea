import type { LogFollowing } from "@/lib/api-types";
import { formatPercent } from "@/lib/format";
import type { LogSummary } from "@/lib/logs/summary";

/** The side panels: what the lines in view add up to. */
export function LogSummaryPanels({
  summary,
  following = null,
}: {
  summary: LogSummary;
  /** Which nodes the lines come from: the sums are of those nodes only. */
  following?: LogFollowing | null;
}) {
  return (
    <aside className="log-summary" aria-label="Summary of the lines in view">
      {following && following.mode !== "all" ? (
        <p className="muted" data-testid="log-summary-following">
          From the {following.following} followed node{following.following === 1 ? "" : "s"} of{" "}
          {following.total} only{following.mode === "first" ? " — choose nodes to follow others" : ""}.
        </p>
      ) : null}
      <section>
        <h3>Search-path expansion</h3>
        <p>
          <strong>{formatPercent(summary.searchPathShare, 0)}</strong> of {summary.queries} queries are{" "}
          <code>ndots:5</code> expansions answered NXDOMAIN ({summary.searchPathExpansions}). Fully qualified
          names (a trailing dot) or a lower <code>ndots</code> in the pods&apos; dnsConfig avoid them.
        </p>
      </section>
      <TopList title="Top names" items={summary.topNames} />
      <TopList title="Top clients" items={summary.topClients} />
      <TopList title="Rcodes" items={summary.rcodes} />
      <TopList title="Errors per node" items={summary.errorsByNode} empty="No errors in view." />
      <section>
        <h3>Slowest queries</h3>
        {summary.slowest.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <ol className="top-list">
            {summary.slowest.map((s, i) => (
              <li key={i}>
                <span
                  className="top-key"
                  title={`${s.node}: ${s.type} ${s.name} → ${s.rcode ?? "no response"}`}
                >
                  {s.type} {s.name}
                </span>
                <span className="top-count">{(s.durationSeconds * 1000).toFixed(1)} ms</span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </aside>
  );
}

function TopList({
  title,
  items,
  empty = "Nothing yet.",
}: {
  title: string;
  items: { key: string; count: number }[];
  empty?: string;
}) {
  return (
    <section>
      <h3>{title}</h3>
      {items.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ol className="top-list">
          {items.map((i) => (
            <li key={i.key}>
              <span className="top-key" title={i.key}>
                {i.key}
              </span>
              <span className="top-count">{i.count}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
