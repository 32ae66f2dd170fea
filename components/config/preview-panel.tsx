"use client";

import type { ConfigPreview } from "@/lib/api-types";
import { DiffView } from "./diff-view";
import { MemoryBar } from "./memory-bar";
import type { MemoryEstimate } from "@/lib/api-types";

/** The preview: diff, CoreDNS's verdict, the API server's dry run, then Apply (restart on by default). */
export function PreviewPanel({
  preview,
  memory,
  restart,
  onRestartChange,
  onApply,
  onCancel,
  applying,
}: {
  preview: ConfigPreview;
  memory: MemoryEstimate | null;
  restart: boolean;
  onRestartChange: (restart: boolean) => void;
  onApply: () => void;
  onCancel: () => void;
  applying: boolean;
}) {
  const blocking = preview.problems.filter((p) => p.kind !== "advice");
  const advice = preview.problems.filter((p) => p.kind === "advice");
  // Only our stricter rules refuse it: CoreDNS itself would start, so say that rather than "crash-loop".
  const onlyStricter = blocking.length > 0 && blocking.every((p) => p.kind === "stricter");
  return (
    <section className="cfg-preview" aria-labelledby="cfg-preview-title" data-testid="preview">
      <h2 id="cfg-preview-title">Preview</h2>
      <DiffView diff={preview.diff} label="Unified diff of the change" />
      <div
        className={`panel ${preview.blocked ? "panel-bad" : "panel-ok"}`}
        data-validation={preview.blocked ? "refused" : "ok"}
      >
        {preview.blocked ? (
          <>
            {onlyStricter ? (
              <p>
                <strong>The dashboard refuses this Corefile</strong> (CoreDNS would start with it, see why
                below). Fix these first:
              </p>
            ) : (
              <p>
                <strong>CoreDNS would refuse this Corefile</strong>: restarted pods would crash-loop. Fix
                these first:
              </p>
            )}
            <ul>
              {blocking.map((p, i) => (
                <li key={i} data-kind={p.kind}>
                  line {p.line}: <code>{p.message}</code>
                  {p.note ? <span className="muted"> — {p.note}</span> : null}
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p>
            <strong>Valid</strong>: CoreDNS{" "}
            {preview.corednsVersions.join(", ") || "(newest modelled version)"} accepts it.
          </p>
        )}
        {advice.length ? (
          <ul>
            {advice.map((p, i) => (
              <li key={i} className="muted" data-kind="advice">
                line {p.line}: {p.message}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <p data-dry-run={preview.dryRun.outcome}>
        Dry run:{" "}
        <span
          className={`badge ${preview.dryRun.outcome === "accepted" ? "badge-ok" : preview.dryRun.outcome === "refused" ? "badge-bad" : "badge-muted"}`}
        >
          {preview.dryRun.outcome}
        </span>{" "}
        {preview.dryRun.message}
      </p>
      <MemoryBar estimate={memory} title="Memory after this change" />
      <div className="cfg-actions">
        <label className="cfg-toggle">
          <input type="checkbox" checked={restart} onChange={(e) => onRestartChange(e.target.checked)} />
          <span>Also restart the DaemonSet (the sure way to load the change; one node at a time)</span>
        </label>
        <button
          type="button"
          className="primary"
          onClick={onApply}
          disabled={preview.blocked || !preview.changed || applying}
        >
          {applying ? "Applying…" : "Apply"}
        </button>
        <button type="button" onClick={onCancel} disabled={applying}>
          Back to editing
        </button>
      </div>
    </section>
  );
}
