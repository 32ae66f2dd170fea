import "server-only";
import type { V1ConfigMap } from "@kubernetes/client-node";
import { z } from "zod";
import { historyFromEvents, type ChangeRecord } from "@/lib/config/history";
import { parseApplyBody, parsePreviewBody } from "@/lib/config/intents";
import { DashboardError, describeError } from "@/lib/errors";
import { ConfigMapWatch } from "@/lib/k8s/configmap-watch";
import {
  CorefileConflictError,
  DASHBOARD_FIELD_MANAGER,
  corefileConfigMapOf,
  readCorefileConfigMap,
  replaceCorefile,
} from "@/lib/k8s/configmap";
import { log } from "@/lib/observability/log";
import { writeChange, type ApplyResult, type WriteRequest } from "./write";
import { actingAs, cmRef, type Actor, type ConfigDeps } from "./deps";
import { listConfigMapEvents } from "./history-events";
import {
  changesBetween,
  HISTORY_MAX_BYTES,
  HISTORY_MAX_CHANGES,
  mergeHistories,
  type HistoryBounds,
} from "./history-log";
import { HistoryStore } from "./history-store";
import {
  encodeLogOffPlan,
  lateNote,
  LOG_OFF_ANNOTATION,
  logOffPlanOf,
  samePlan,
  type LogOffPlan,
} from "./log-off-plan";
import { LogOffTimer } from "./log-off-timer";
import { alreadyRecorded, outsideChange, type SeenCorefile } from "./outside-change";
import { previewChange, type ConfigPreview } from "./preview";
import { readConfig, type ConfigSnapshot } from "./read";
import { restartDaemonSet, type RestartResult } from "./restart-daemonset";
import { rolloutProgress, type RolloutProgress, type WriteBaseline } from "./rollout-progress";
import { actingUser } from "./who";

/** Options of the config service. */
export interface ConfigServiceOptions {
  /** A new pod not ready this long after creation counts as a failed rollout (default 120 s). */
  readyDeadlineSeconds?: number;
  /** Retry interval of a failed timed log-off (default 30 s). */
  logOffRetryMs?: number;
  /** Bounds of the history ConfigMap (tests make them small). */
  historyBounds?: HistoryBounds;
  /** Told each Corefile the watch sees (the inventory reads the metrics port from it). */
  onCorefile?: (corefile: string) => void;
}

/** `GET /api/config/history`. */
export interface ConfigHistory {
  changes: ChangeRecord[];
  /** Records (history ConfigMap entries or Events) that could not be read. */
  unreadable: string[];
  /** Where the history is kept, how long, and why it may be short. */
  note: string;
}

const rollbackBody = z.strictObject({
  id: z.string({ error: "id is required: the id of a change from GET /api/config/history" }).min(1),
});

/**
 * The Config page's server side: one per dashboard process. What the operator relies on lives in the
 * cluster, so any replica (or the next process) carries on: the history in the history ConfigMap
 * (history-store.ts), the timed log-off in an annotation on the node-local-dns ConfigMap
 * (log-off-plan.ts). Watching the ConfigMap (`start()`) records changes made outside the dashboard
 * and arms the log-off wherever it was set. Only the last write's baseline (to tell per node whether
 * it is live) is per process.
 */
export class ConfigService {
  private baseline: WriteBaseline | null = null;
  private readonly logOff: LogOffTimer;
  private readonly store: HistoryStore;
  private watch: ConfigMapWatch | null = null;
  /** The last Corefile seen by the watch; null until the first list. */
  private seen: SeenCorefile | null = null;
  /** Why outside changes may be missing (the watch or the history write failing), or null. */
  private watchProblem: string | null = null;
  /** The Corefile as the watch last delivered it; null before the first list. */
  private latestCorefile: string | null = null;

  constructor(
    readonly deps: ConfigDeps,
    private readonly opts: ConfigServiceOptions = {},
  ) {
    this.logOff = new LogOffTimer((p) => this.turnLogOff(p), opts.logOffRetryMs);
    // The dashboard's own identity: the history is its record, the person needs no right on it.
    this.store = new HistoryStore(deps.core, deps.targets.namespace, opts.historyBounds);
  }

  /**
   * Starts watching the ConfigMap: outside changes are recorded, and a timed log-off found on it is
   * armed (turned off at once when its deadline passed while no dashboard ran). Resolves after the
   * first list was handled.
   */
  async start(): Promise<void> {
    if (this.watch) return;
    this.watch = new ConfigMapWatch(this.deps.kc, cmRef(this.deps), {
      onObject: (cm) => this.observe(cm),
      onProblem: (message) => {
        // Once per distinct problem: a watch that keeps failing retries with back-off, quietly.
        if (message !== this.watchProblem) log.warn("config watch problem", { error: message });
        this.watchProblem = message;
      },
    });
    await this.watch.start();
  }

  /** Stops the watch and the log-off timer (the plan stays on the ConfigMap for the next dashboard). */
  async stop(): Promise<void> {
    this.logOff.cancel();
    const w = this.watch;
    this.watch = null;
    await w?.stop();
  }

  /** The ConfigMap's Corefile as last watched (null before the first list); for pages that only read it. */
  currentCorefile(): string | null {
    return this.latestCorefile;
  }

  /** Read as `actor` when given (their permissions decide what the page lets them do). */
  async read(actor?: Actor): Promise<ConfigSnapshot> {
    const snapshot = await readConfig(actingAs(this.deps, actor));
    const local = this.logOff.pending();
    if (snapshot.logOff && local && samePlan(snapshot.logOff, local)) snapshot.logOff.error = local.error;
    return snapshot;
  }

  /** Validates the body (422 listing every problem), then previews it; a 409 names who wrote since. */
  async preview(body: unknown, actor?: Actor): Promise<ConfigPreview> {
    const req = parsePreviewBody(body);
    try {
      return await previewChange(actingAs(this.deps, actor), req);
    } catch (err) {
      if (err instanceof CorefileConflictError) await this.nameWriters(err, req.resourceVersion);
      throw err;
    }
  }

  /** `PUT /api/config`: validate, write, record, optionally restart; a timed log goes on the ConfigMap. */
  async apply(body: unknown, actor?: Actor): Promise<ApplyResult> {
    const req = parseApplyBody(body);
    const deps = actingAs(this.deps, actor);
    const user = actingUser(deps);
    let plan: LogOffPlan | null = null;
    if (req.logFor && "edits" in req) {
      const blocks = req.edits.filter((e) => e.op === "setLog" && e.on).map((e) => e.block);
      if (blocks.length > 0) {
        plan = {
          at: new Date(deps.now().getTime() + req.logFor.minutes * 60_000).toISOString(),
          blocks,
          requestedBy: user,
        };
      }
    }
    const result = await this.write(deps, {
      change: "edits" in req ? { edits: req.edits } : { corefile: req.corefile },
      resourceVersion: req.resourceVersion,
      restart: req.restart,
      action: "apply",
      user,
      ...(req.logFor ? { logForMinutes: req.logFor.minutes } : {}),
      ...(plan ? { annotations: { [LOG_OFF_ANNOTATION]: encodeLogOffPlan(plan) } } : {}),
    });
    if (plan) this.logOff.sync(plan);
    return { ...result, logOffAt: this.logOff.pending()?.at ?? null };
  }

  /** `POST /api/rollout/restart`: the restart offered again after "restart later". */
  async restart(actor?: Actor): Promise<RestartResult> {
    const result = await restartDaemonSet(actingAs(this.deps, actor));
    if (this.baseline) this.baseline.restartedAt = result.restartedAt;
    return result;
  }

  /** Read as `actor` when given (the DaemonSet is read with their permissions). */
  rollout(actor?: Actor): Promise<RolloutProgress> {
    return rolloutProgress(actingAs(this.deps, actor), this.baseline, {
      readyDeadlineSeconds: this.opts.readyDeadlineSeconds,
    });
  }

  /**
   * The history ConfigMap's changes (the dashboard's own record, read with its own identity), with
   * any Events' records it lacks (e.g. from before it existed), the Events read as `actor` when given.
   */
  async history(actor?: Actor): Promise<ConfigHistory> {
    const deps = actingAs(this.deps, actor);
    const [stored, events] = await Promise.all([
      this.store.read(),
      listConfigMapEvents(deps.core, cmRef(deps)).then(
        (items) => ({ ...historyFromEvents(items), problem: null }),
        (err: unknown) => ({ records: [], unreadable: [], problem: describeError(err) }),
      ),
    ]);
    const { namespace, name } = this.store.ref;
    const problems = [
      stored.problem,
      events.problem && `Events: ${events.problem}`,
      this.watchProblem,
    ].filter((p): p is string => Boolean(p));
    return {
      changes: mergeHistories(stored.records, events.records),
      unreadable: [...stored.unreadable, ...events.unreadable],
      note:
        `Kept in ConfigMap ${namespace}/${name}: the last ${HISTORY_MAX_CHANGES} changes ` +
        `(at most ${Math.round(HISTORY_MAX_BYTES / 1024)} KiB), including edits made outside the dashboard ` +
        "(seen while a dashboard runs, or at its next start). Changes made through the dashboard are also " +
        "Events on the ConfigMap, which the API server deletes after its --event-ttl (1 hour by default)." +
        (problems.length ? ` Problem: ${problems.join("; ")}.` : ""),
    };
  }

  /** `POST /api/config/rollback`: restores the Corefile from before change `id`, and restarts. */
  async rollback(body: unknown, actor?: Actor): Promise<ApplyResult> {
    const deps = actingAs(this.deps, actor);
    const parsed = rollbackBody.safeParse(body);
    if (!parsed.success) throw new DashboardError(422, parsed.error.issues.map((i) => i.message).join("; "));
    const { changes } = await this.history();
    const target = changes.find((c) => c.id === parsed.data.id);
    if (!target) {
      throw new DashboardError(
        404,
        `there is no change "${parsed.data.id}" in the history (it may have been dropped as one of the oldest); pick one from the history table`,
      );
    }
    const current = await readCorefileConfigMap(deps.core, cmRef(deps));
    return this.write(deps, {
      change: { corefile: target.corefileBefore },
      resourceVersion: current.resourceVersion,
      restart: true,
      action: "rollback",
      user: actingUser(deps),
      summary: `back to before ${target.at} (${target.summary})`,
      rollbackOf: target.id,
    });
  }

  /** writeChange, then the record into the history ConfigMap; a 409 names who wrote in between. */
  private async write(deps: ConfigDeps, req: WriteRequest): Promise<ApplyResult> {
    let out;
    try {
      out = await writeChange(deps, req);
    } catch (err) {
      if (err instanceof CorefileConflictError) await this.nameWriters(err, req.resourceVersion);
      throw err;
    }
    const { result, baseline } = out;
    this.baseline = baseline;
    const errors = [result.recordError];
    try {
      await this.store.append(result.change);
    } catch (err) {
      errors.push(`the change was written but not kept in the history ConfigMap: ${describeError(err)}`);
    }
    const recordError = errors.filter(Boolean).join("; ") || null;
    return { ...result, recordError, logOffAt: this.logOff.pending()?.at ?? null };
  }

  private async nameWriters(err: CorefileConflictError, basedOn: string): Promise<void> {
    try {
      const { records } = await this.store.read();
      err.changedBy = changesBetween(records, basedOn, err.current.resourceVersion).map((r) => ({
        user: r.user,
        at: r.at,
        source: r.source,
      }));
    } catch {
      // The conflict itself is what matters; who caused it is extra.
    }
  }

  /** Every version of the ConfigMap the watch sees: record outside changes, follow the log-off plan. */
  private async observe(raw: V1ConfigMap): Promise<void> {
    const cm = corefileConfigMapOf(raw, cmRef(this.deps));
    this.opts.onCorefile?.(cm.corefile);
    this.latestCorefile = cm.corefile;
    if (this.seen === null) {
      // At start, compare with the newest change the history knows: edits made while no dashboard ran.
      const newest = (await this.store.read()).records[0];
      this.seen = newest
        ? { resourceVersion: newest.resourceVersionAfter, corefile: newest.corefileAfter }
        : { resourceVersion: cm.resourceVersion, corefile: cm.corefile };
    }
    const change = outsideChange(this.seen, cm, DASHBOARD_FIELD_MANAGER, this.deps.now());
    // The watch delivered: whatever went wrong before is over, unless recording fails now.
    let problem: string | null = null;
    if (change) {
      try {
        await this.store.append(change, (records) => alreadyRecorded(records, change));
      } catch (err) {
        problem = `an outside change could not be recorded: ${describeError(err)}`;
        log.warn("outside change not recorded", { error: problem });
      }
    }
    this.watchProblem = problem;
    this.seen = { resourceVersion: cm.resourceVersion, corefile: cm.corefile };
    this.logOff.sync(logOffPlanOf(cm.annotations).plan);
  }

  /**
   * The timed log-off, through the same apply path, removing the plan in the same write. Only while
   * the ConfigMap still carries this plan: another replica that did it first removed it, so our
   * write (with the version read) meets 409, reads again and stops.
   */
  private async turnLogOff(plan: LogOffPlan): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await readCorefileConfigMap(this.deps.core, cmRef(this.deps));
      if (!samePlan(logOffPlanOf(current.annotations).plan, plan)) return;
      const clear = { [LOG_OFF_ANNOTATION]: null };
      try {
        await this.write(this.deps, {
          change: { edits: plan.blocks.map((block) => ({ op: "setLog" as const, block, on: false })) },
          resourceVersion: current.resourceVersion,
          restart: true,
          action: "log-auto-off",
          user: plan.requestedBy,
          annotations: clear,
          note: lateNote(plan, this.deps.now()),
        });
        return;
      } catch (err) {
        if (err instanceof CorefileConflictError) continue;
        if (!(err instanceof DashboardError) || err.status !== 422) throw err;
        // Already off (turned off by hand), or the blocks are gone: only the plan is left to remove.
        try {
          await replaceCorefile(this.deps.core, cmRef(this.deps), {
            corefile: current.corefile,
            basedOn: current.resourceVersion,
            annotations: clear,
          });
          return;
        } catch (e) {
          if (e instanceof CorefileConflictError) continue;
          throw e;
        }
      }
    }
    throw new DashboardError(409, "the Corefile kept changing while turning logging off; retrying");
  }
}
