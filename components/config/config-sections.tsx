"use client";

import { useState } from "react";
import type { ApplyResult, ChangeRecord } from "@/lib/api-types";
import { HistoryTable } from "./history-table";
import { RollbackConfirm } from "./rollback-confirm";
import { RolloutPanel } from "./rollout-panel";
import { useConfig, useCurrentCorefile, useHistory, useRestart, useRollback, useRollout } from "./use-config";

/**
 * Rollback asks first: `ask(change)` opens the confirmation (the diff current → restored, what
 * restarts); only its "Roll back" button writes.
 */
function useConfirmedRollback() {
  const [asking, setAsking] = useState<ChangeRecord | null>(null);
  const rollback = useRollback();
  const config = useConfig();
  const now = useCurrentCorefile(asking !== null);
  const rollout = useRollout();
  const base = now.data ?? config.data;
  const dialog = asking ? (
    <RollbackConfirm
      target={asking}
      currentCorefile={now.data?.corefile ?? null}
      scope={{
        namespace: base?.namespace ?? "kube-system",
        daemonSet: base?.daemonSet ?? "node-local-dns",
        nodes: rollout.data?.status.desired ?? null,
        maxUnavailable: rollout.data?.maxUnavailable ?? null,
      }}
      busy={rollback.isPending}
      onCancel={() => setAsking(null)}
      onConfirm={() => rollback.mutate(asking.id, { onSettled: () => setAsking(null) })}
    />
  ) : null;
  return { ask: setAsking, dialog, rollback };
}

/** Rollout progress, with rollback of the last change when it fails and "restart now" after "restart later". */
export function RolloutSection({ canEdit, applied }: { canEdit: boolean; applied: ApplyResult | null }) {
  const rollout = useRollout();
  const history = useHistory();
  const { ask, dialog, rollback } = useConfirmedRollback();
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
        onRollback={last ? () => ask(last) : null}
        rollbackLabel={
          last
            ? `Roll back (restore the Corefile from before ${new Date(last.at).toLocaleTimeString()})`
            : "Roll back"
        }
        onRestart={restartPending ? () => restart.mutate() : null}
        busy={rollback.isPending || restart.isPending}
      />
      {dialog}
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
  const { ask, dialog, rollback } = useConfirmedRollback();
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
        onRollback={(id) => {
          const change = history.data.changes.find((c) => c.id === id);
          if (change) ask(change);
        }}
        busy={rollback.isPending}
      />
      {dialog}
      {rollback.error ? (
        <p className="banner banner-bad" role="alert">
          {rollback.error.message}
        </p>
      ) : null}
    </>
  );
}
