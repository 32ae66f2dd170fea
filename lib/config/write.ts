import "server-only";
import crypto from "node:crypto";
import { unifiedDiff } from "@/lib/config/diff";
import { changeEvent, type ChangeAction, type ChangeRecord } from "@/lib/config/history";
import type { ConfigChange } from "@/lib/config/intents";
import type { CorefileProblem } from "@/lib/corefile";
import { DashboardError, describeError } from "@/lib/errors";
import { readCorefileConfigMap, replaceCorefile } from "@/lib/k8s/configmap";
import { containerEnv, readDaemonSet } from "@/lib/k8s/daemonset";
import { cmRef, dsRef, runningCorednsVersions, type ConfigDeps } from "./deps";
import { createConfigMapEvent } from "./history-events";
import { staleChangeError } from "./conflict";
import { blocksApply, proposeForCluster } from "./propose";
import { restartDaemonSet, type RestartResult } from "./restart-daemonset";
import { refreshBeforeWrite, takeBaseline, type WriteBaseline } from "./rollout-progress";
import { summarizeChange } from "./summary";

/** CoreDNS would refuse the Corefile: nothing was written. `details.problems` has each with its line. */
export class CorefileRefusedError extends DashboardError {
  constructor(readonly problems: CorefileProblem[]) {
    const first = problems.find((p) => p.kind !== "advice") ?? problems[0];
    super(
      422,
      `not written: CoreDNS would refuse this Corefile${first ? ` (line ${first.line}: ${first.message})` : ""}, ` +
        "and restarted pods would crash-loop; fix the problems shown and preview again",
      { problems },
    );
  }
}

/** One write, as the service performs it. */
export interface WriteRequest {
  change: ConfigChange;
  resourceVersion: string;
  restart: boolean;
  action: ChangeAction;
  user: string;
  logForMinutes?: number;
  /** The history line; by default made from the change. */
  summary?: string;
  /** Annotations on the ConfigMap set (string) or removed (null) in the same write: the timed log-off. */
  annotations?: Record<string, string | null>;
  /** Rollbacks: the change rolled back. */
  rollbackOf?: string;
  /** A note for the history (e.g. a timed log-off that came late). */
  note?: string | null;
}

/** `PUT /api/config`'s answer. */
export interface ApplyResult {
  change: ChangeRecord;
  /** The restart that followed, or null when the operator chose "restart later". */
  restart: RestartResult | null;
  /** Set when the write succeeded but the restart did not (the change is written, not yet live by restart). */
  restartError: string | null;
  /** Set when the write succeeded but recording it (history ConfigMap or Event) did not. */
  recordError: string | null;
  /** When timed logging will be turned off again, ISO; null when none is pending. */
  logOffAt: string | null;
}

/** Time-ordered and unique: sorts by creation even when two changes share a second. */
function newChangeId(now: Date): string {
  return `${now.getTime().toString(36)}-${crypto.randomBytes(4).toString("hex")}`;
}

/**
 * The apply path every write goes through (Apply, rollback, timed log-off): refuse a stale version
 * (409 with both texts) or a Corefile CoreDNS would refuse (422, nothing written), dry-run, write with
 * the version the edit was based on, record the Event, then optionally restart. Returns the record
 * and the baseline liveness is measured against.
 */
export async function writeChange(
  d: ConfigDeps,
  req: WriteRequest,
): Promise<{ result: Omit<ApplyResult, "logOffAt">; baseline: WriteBaseline }> {
  const [current, ds] = await Promise.all([
    readCorefileConfigMap(d.core, cmRef(d)),
    // Only for `{$VAR}` in the Corefile; the restart step reports a DaemonSet it cannot reach.
    readDaemonSet(d.apps, dsRef(d)).catch(() => null),
  ]);
  if (current.resourceVersion !== req.resourceVersion) {
    throw staleChangeError(current, { ...req.change, resourceVersion: req.resourceVersion });
  }
  const proposed = proposeForCluster(
    current.corefile,
    req.change,
    runningCorednsVersions(d),
    ds ? { env: containerEnv(ds, d.targets.container) } : {},
  );
  if (blocksApply(proposed.problems)) throw new CorefileRefusedError(proposed.problems);
  if (proposed.text === current.corefile) {
    throw new DashboardError(422, "nothing to apply: the Corefile already says that; change a setting first");
  }
  const write = {
    corefile: proposed.text,
    basedOn: current.resourceVersion,
    ...(req.annotations ? { annotations: req.annotations } : {}),
  };
  await replaceCorefile(d.core, cmRef(d), { ...write, dryRun: true });
  await refreshBeforeWrite(d);
  const at = d.now();
  const id = newChangeId(at);
  // Taken before the write so a reload that happens right after it still counts as a change.
  const baseline = takeBaseline(d, id, at);
  const written = await replaceCorefile(d.core, cmRef(d), write);
  let restart: RestartResult | null = null;
  let restartError: string | null = null;
  if (req.restart) {
    try {
      restart = await restartDaemonSet(d);
    } catch (err) {
      restartError = `the change was written but the restart failed: ${describeError(err)}; restart again from the Config page`;
    }
  }
  const change: ChangeRecord = {
    id,
    at: at.toISOString(),
    user: req.user,
    action: req.action,
    summary:
      req.summary ??
      summarizeChange(
        req.change,
        current.corefile,
        proposed.text,
        req.logForMinutes ? { minutes: req.logForMinutes } : undefined,
      ),
    diff: unifiedDiff(current.corefile, proposed.text),
    resourceVersionBefore: current.resourceVersion,
    resourceVersionAfter: written.resourceVersion,
    corefileBefore: current.corefile,
    corefileAfter: proposed.text,
    restarted: restart !== null,
    source: "dashboard",
    fieldManager: null,
    rollbackOf: req.rollbackOf ?? null,
    note: req.note ?? null,
  };
  baseline.restartedAt = restart?.restartedAt ?? null;
  let recordError: string | null = null;
  try {
    await createConfigMapEvent(d.core, written, changeEvent(change), at);
  } catch (err) {
    // The Corefile is written: failing the request now would invite a second, conflicting write.
    recordError = `the change was written but its Event was not created: ${describeError(err)}`;
  }
  return { result: { change, restart, restartError, recordError }, baseline };
}
