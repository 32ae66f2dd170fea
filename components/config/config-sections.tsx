"use client";

import type { ApplyResult } from "@/lib/api-types";
import { HistoryTable } from "./history-table";
import { RolloutPanel } from "./rollout-panel";
import { useHistory, useRestart, useRollback, useRollout } from "./use-config";

/** Rollout progress, with rollback of the last change when it fails and "restart now" after "restart later". */
export function RolloutSection({ canEdit, applied }: { canEdit: boolean; applied: ApplyResult | null }) {
  const rollout = useRollout();
  const history = useHistory();
  const rollback = useRollback();
  const restart = useRestart();
  if (rollout.isPending) return <p className="muted">Loading rollout status…</p>;
  if (rollout.isError) {
    return (
      <p className="banner banner-bad" role="alert">
        Cannot read the rollout status: {rollout.error.message}
      </p>
    );
  }
  // Roll back the change this page applied, else the newest recorded one.
  const last = applied?.change ?? history.data?.changes[0] ?? null;
  const restartPending = applied !== null && applied.restart === null && !restart.isSuccess;
  return (
    <>
      <RolloutPanel
        progress={rollout.data}
        canEdit={canEdit}
        onRollback={last ? () => rollback.mutate(last.id) : null}
        rollbackLabel={
          last
            ? `Roll back (restore the Corefile from before ${new Date(last.at).toLocaleTimeString()})`
            : "Roll back"
        }
        onRestart={restartPending ? () => restart.mutate() : null}
        busy={rollback.isPending || restart.isPending}
      />
      {rollback.error || restart.error ? (
        <p className="banner banner-bad" role="alert">
          {(rollback.error ?? restart.error)?.message}
        </p>
      ) : null}
      {rollback.data ? (
        <p className="banner" role="status">
          Rolled back: {rollback.data.change.summary}. The DaemonSet is restarting.
        </p>
      ) : null}
    </>
  );
}

/** The history table with its loading and error states. */
export function HistoryPanel({ canEdit }: { canEdit: boolean }) {
  const history = useHistory();
  const rollback = useRollback();
  if (history.isPending) return <p className="muted">Loading history…</p>;
  if (history.isError) {
    return (
      <p className="banner banner-bad" role="alert">
        Cannot read the history: {history.error.message}
      </p>
    );
  }
  return (
    <>
      <HistoryTable
        history={history.data}
        canEdit={canEdit}
        onRollback={(id) => rollback.mutate(id)}
        busy={rollback.isPending}
      />
      {rollback.error ? (
        <p className="banner banner-bad" role="alert">
          {rollback.error.message}
        </p>
      ) : null}
    </>
  );
}
