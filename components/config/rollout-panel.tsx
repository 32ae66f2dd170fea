"use client";

import type { NodeRolloutRow, RolloutProgress } from "@/lib/api-types";

const LIVE_LABEL: Record<string, string> = {
  "live-restarted": "live (restarted)",
  "live-reloaded": "live (reloaded)",
  rejected: "rejected",
  pending: "not yet",
};

function liveBadge(n: NodeRolloutRow) {
  if (!n.liveness) return <span className="muted">—</span>;
  const cls = n.liveness.state.startsWith("live")
    ? "badge-ok"
    : n.liveness.state === "rejected"
      ? "badge-bad"
      : "badge-warn";
  return (
    <span className={`badge ${cls}`} title={n.liveness.reason} data-live={n.liveness.state}>
      {LIVE_LABEL[n.liveness.state] ?? n.liveness.state}
    </span>
  );
}

/** Rollout progress: kubectl's line, the counters, and each node's pod with "new Corefile live?". */
export function RolloutPanel({
  progress,
  canEdit,
  onRollback,
  rollbackLabel,
  onRestart,
  busy,
}: {
  progress: RolloutProgress;
  canEdit: boolean;
  /** Set when there is a change to roll back. */
  onRollback: (() => void) | null;
  rollbackLabel: string;
  /** Set when the last change was applied without a restart ("restart later"). */
  onRestart: (() => void) | null;
  busy: boolean;
}) {
  const s = progress.status;
  return (
    <section aria-labelledby="cfg-rollout-title" data-testid="rollout" data-phase={s.phase}>
      <h2 id="cfg-rollout-title">Rollout</h2>
      <p role="status" aria-live="polite" data-rollout-message>
        <span
          className={`badge ${s.phase === "complete" ? "badge-ok" : progress.failure ? "badge-bad" : "badge-warn"}`}
        >
          {progress.failure ? "failing" : s.phase}
        </span>{" "}
        {s.message}
      </p>
      <div className="cards">
        {(["desired", "updated", "ready", "available"] as const).map((k) => (
          <div className="card" key={k}>
            <div className="card-label">{k}</div>
            <div className="card-value" data-count={k}>
              {s[k]}
            </div>
          </div>
        ))}
      </div>
      {progress.failure ? (
        <div className="banner banner-bad" role="alert">
          The rollout is failing on {progress.failure.node}: {progress.failure.reason}. It will not finish by
          itself.
          {canEdit && onRollback ? (
            <>
              {" "}
              <button type="button" onClick={onRollback} disabled={busy}>
                {rollbackLabel}
              </button>
            </>
          ) : null}
        </div>
      ) : null}
      {onRestart && canEdit ? (
        <p className="banner banner-warn">
          The last change was written without a restart: nodes pick it up only when their CoreDNS reloads it.{" "}
          <button type="button" onClick={onRestart} disabled={busy}>
            Restart now
          </button>
        </p>
      ) : null}
      {progress.nodes.length === 0 ? (
        <p className="empty">No node-local-dns pods found.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table compact">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Pod</th>
                <th scope="col">Revision</th>
                <th scope="col">State</th>
                <th scope="col" className="num">
                  Restarts
                </th>
                <th scope="col">Ready</th>
                <th scope="col">New Corefile live?</th>
              </tr>
            </thead>
            <tbody>
              {progress.nodes.map((n) => (
                <tr
                  key={n.node}
                  data-node={n.node}
                  data-revision={n.revision}
                  className={n.failure.failed ? "row-error" : undefined}
                >
                  <th scope="row">{n.node}</th>
                  <td>
                    <code>{n.pod}</code>
                    {n.otherPods.length ? <span className="muted"> (+{n.otherPods.join(", ")})</span> : null}
                  </td>
                  <td>
                    <span className={`badge ${n.revision === "new" ? "badge-ok" : "badge-muted"}`}>
                      {n.revision}
                    </span>
                  </td>
                  <td data-state={n.scheduling ? "scheduling" : undefined}>
                    {n.failure.failed ? (
                      <span title={n.failure.reason}>{n.podStatus}</span>
                    ) : n.scheduling ? (
                      <span
                        className="badge badge-warn"
                        title="the pod is created for this node; the scheduler has not bound it yet"
                      >
                        scheduling
                      </span>
                    ) : (
                      n.podStatus
                    )}
                  </td>
                  <td className="num">{n.restarts}</td>
                  <td>{n.ready ? "yes" : "no"}</td>
                  <td>{liveBadge(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
