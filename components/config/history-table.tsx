"use client";

import { Fragment, useState } from "react";
import type { ConfigHistory } from "@/lib/api-types";
import { DiffView } from "./diff-view";

const BADGE: Record<string, string> = {
  rollback: "rollback",
  "log-auto-off": "timed log off",
  outside: "outside the dashboard",
};

/**
 * Every change to the Corefile — made through the dashboard or outside it (kubectl, GitOps: who as the
 * field manager) — who, when, what, the diff on demand, and roll back.
 */
export function HistoryTable({
  history,
  canEdit,
  onRollback,
  busy,
}: {
  history: ConfigHistory;
  canEdit: boolean;
  onRollback: (id: string) => void;
  busy: boolean;
}) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section aria-labelledby="cfg-history-title" data-testid="history">
      <h2 id="cfg-history-title">History</h2>
      <p className="muted">{history.note}</p>
      {history.unreadable.length ? (
        <p className="banner banner-warn">
          Some recorded changes could not be read: {history.unreadable.join("; ")}
        </p>
      ) : null}
      {history.changes.length === 0 ? (
        <p className="empty">No changes recorded yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table compact">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Diff</th>
                {canEdit ? <th scope="col">Roll back</th> : null}
              </tr>
            </thead>
            <tbody>
              {history.changes.map((c) => (
                <Fragment key={c.id}>
                  <tr data-change={c.id} data-action={c.action} data-source={c.source}>
                    <td>
                      <time dateTime={c.at}>{new Date(c.at).toLocaleString()}</time>
                    </td>
                    <td>
                      {c.user}
                      {c.source === "outside" ? <span className="muted"> (field manager)</span> : null}
                    </td>
                    <td>
                      {c.action !== "apply" ? (
                        <span className="badge badge-muted">{BADGE[c.action] ?? c.action}</span>
                      ) : null}{" "}
                      {c.summary}
                      {c.restarted ? <span className="muted"> (restarted)</span> : null}
                      {c.note ? <span className="muted"> — {c.note}</span> : null}
                    </td>
                    <td>
                      <button
                        type="button"
                        aria-expanded={open === c.id}
                        aria-controls={`diff-${c.id}`}
                        onClick={() => setOpen(open === c.id ? null : c.id)}
                      >
                        {open === c.id ? "Hide diff" : "Show diff"}
                      </button>
                    </td>
                    {canEdit ? (
                      <td>
                        <button type="button" disabled={busy} onClick={() => onRollback(c.id)}>
                          Roll back to before this
                        </button>
                      </td>
                    ) : null}
                  </tr>
                  {open === c.id ? (
                    <tr id={`diff-${c.id}`}>
                      <td colSpan={canEdit ? 5 : 4}>
                        <DiffView diff={c.diff} label={`Diff of the change at ${c.at}`} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
