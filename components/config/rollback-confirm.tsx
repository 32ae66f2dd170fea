"use client";

import { useEffect, useRef } from "react";
import type { ChangeRecord } from "@/lib/api-types";
import { unifiedDiff } from "@/lib/config/diff";
import { DiffView } from "./diff-view";

/** What a rollback restarts: the DaemonSet, its pods and how many go down at once. */
export interface RestartScope {
  namespace: string;
  daemonSet: string;
  /** Pods the DaemonSet runs (one per node); null while unknown. */
  nodes: number | null;
  maxUnavailable: string | null;
}

/**
 * Asks before a rollback: the diff from the Corefile in the cluster now to the one being restored,
 * and what restarts. A modal <dialog>: focus moves into it, Escape or Cancel closes it, nothing is
 * written until "Roll back" is pressed.
 */
export function RollbackConfirm({
  target,
  currentCorefile,
  scope,
  busy,
  onConfirm,
  onCancel,
}: {
  target: ChangeRecord;
  currentCorefile: string | null;
  scope: RestartScope;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    // The safe choice has the focus (React's autoFocus runs before the dialog is open).
    cancel.current?.focus();
    return () => d?.close();
  }, []);
  const diff =
    currentCorefile === null
      ? null
      : unifiedDiff(currentCorefile, target.corefileBefore, {
          oldName: "current Corefile",
          newName: `restored (from before ${target.at})`,
        });
  const nodes =
    scope.nodes === null ? "every node's pod" : `${scope.nodes} pod${scope.nodes === 1 ? "" : "s"}`;
  return (
    <dialog
      ref={ref}
      className="cfg-dialog"
      aria-labelledby="cfg-rollback-title"
      data-testid="rollback-confirm"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="cfg-rollback-title">Roll back the Corefile?</h2>
      <p>
        Restores the Corefile from before the change at{" "}
        <time dateTime={target.at}>{new Date(target.at).toLocaleString()}</time> by {target.user} (
        {target.summary}).
      </p>
      <h3>What changes</h3>
      {diff === null ? (
        <p className="muted">The current Corefile is not loaded, so the diff cannot be shown.</p>
      ) : diff === "" ? (
        <p data-testid="rollback-no-diff">
          The Corefile already is this text: rolling back changes nothing in it and only restarts the pods.
        </p>
      ) : (
        <DiffView diff={diff} label="Current Corefile → the Corefile being restored" />
      )}
      <h3>What restarts</h3>
      <p data-testid="rollback-restart">
        DaemonSet{" "}
        <code>
          {scope.namespace}/{scope.daemonSet}
        </code>{" "}
        is restarted: {nodes} replaced
        {scope.maxUnavailable ? `, at most ${scope.maxUnavailable} at a time (maxUnavailable)` : ""}, one node
        after another as the rollout proceeds.
      </p>
      <div className="cfg-dialog-actions">
        <button type="button" ref={cancel} onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={onConfirm} disabled={busy}>
          {busy ? "Rolling back…" : `Roll back and restart ${nodes}`}
        </button>
      </div>
    </dialog>
  );
}
