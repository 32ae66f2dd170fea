import "server-only";
import { z } from "zod";
import { historyFromEvents, type ChangeRecord } from "@/lib/config/history";
import { parseApplyBody, parsePreviewBody } from "@/lib/config/intents";
import { DashboardError } from "@/lib/errors";
import { CorefileConflictError, readCorefileConfigMap } from "@/lib/k8s/configmap";
import { writeChange, type ApplyResult } from "./write";
import { cmRef, type ConfigDeps } from "./deps";
import { listConfigMapEvents } from "./history-events";
import { LogOffTimer, type LogOffState } from "./log-off-timer";
import { previewChange, type ConfigPreview } from "./preview";
import { readConfig, type ConfigSnapshot } from "./read";
import { restartDaemonSet, type RestartResult } from "./restart-daemonset";
import { rolloutProgress, type RolloutProgress, type WriteBaseline } from "./rollout-progress";
import { actingUser } from "./who";
import { actingAs, type Actor } from "./deps";

/** Options of the config service. */
export interface ConfigServiceOptions {
  /** A new pod not ready this long after creation counts as a failed rollout (default 120 s). */
  readyDeadlineSeconds?: number;
  /** Retry interval of a failed timed log-off (default 30 s). */
  logOffRetryMs?: number;
}

/** `GET /api/config/history`. */
export interface ConfigHistory {
  changes: ChangeRecord[];
  /** Events of ours whose record could not be read. */
  unreadable: string[];
  /** Why the history may be short. */
  note: string;
}

const rollbackBody = z.strictObject({
  id: z.string({ error: "id is required: the id of a change from GET /api/config/history" }).min(1),
});

/**
 * The Config page's server side: one per dashboard process. It remembers, in memory only, the last
 * write (to tell per node whether it is live) and a pending timed log-off; a restart of the
 * dashboard forgets both (the history stays, in Events on the ConfigMap).
 */
export class ConfigService {
  private baseline: WriteBaseline | null = null;
  private readonly logOff: LogOffTimer;

  constructor(
    readonly deps: ConfigDeps,
    private readonly opts: ConfigServiceOptions = {},
  ) {
    this.logOff = new LogOffTimer((s) => this.turnLogOff(s), opts.logOffRetryMs);
  }

  /** Read as `actor` when given (their permissions decide what the page lets them do). */
  async read(actor?: Actor): Promise<ConfigSnapshot & { logOff: LogOffState | null }> {
    return { ...(await readConfig(actingAs(this.deps, actor))), logOff: this.logOff.pending() };
  }

  /** Validates the body (422 listing every problem), then previews it. */
  preview(body: unknown, actor?: Actor): Promise<ConfigPreview> {
    return previewChange(actingAs(this.deps, actor), parsePreviewBody(body));
  }

  /** `PUT /api/config`: validate, write, record, optionally restart; schedules a timed log-off. */
  async apply(body: unknown, actor?: Actor): Promise<ApplyResult> {
    const req = parseApplyBody(body);
    const deps = actingAs(this.deps, actor);
    const user = actingUser(deps);
    const { result, baseline } = await writeChange(deps, {
      change: "edits" in req ? { edits: req.edits } : { corefile: req.corefile },
      resourceVersion: req.resourceVersion,
      restart: req.restart,
      action: "apply",
      user,
      ...(req.logFor ? { logForMinutes: req.logFor.minutes } : {}),
    });
    this.baseline = baseline;
    if (req.logFor && "edits" in req) {
      const blocks = req.edits.filter((e) => e.op === "setLog" && e.on).map((e) => e.block);
      this.logOff.schedule(
        new Date(baseline.writtenAt.getTime() + req.logFor.minutes * 60_000),
        blocks,
        user,
      );
    }
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

  /** Read as `actor` when given (the Events are read with their permissions). */
  async history(actor?: Actor): Promise<ConfigHistory> {
    const deps = actingAs(this.deps, actor);
    const events = await listConfigMapEvents(deps.core, cmRef(deps));
    const { records, unreadable } = historyFromEvents(events);
    return {
      changes: records,
      unreadable,
      note:
        "Changes are kept as Events on the ConfigMap, which the API server deletes after its --event-ttl " +
        "(1 hour by default): older changes are no longer listed.",
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
        `there is no change "${parsed.data.id}" in the history (it may have expired with its Event); pick one from the history table`,
      );
    }
    const current = await readCorefileConfigMap(deps.core, cmRef(deps));
    const { result, baseline } = await writeChange(deps, {
      change: { corefile: target.corefileBefore },
      resourceVersion: current.resourceVersion,
      restart: true,
      action: "rollback",
      user: actingUser(deps),
      summary: `back to before ${target.at} (${target.summary})`,
    });
    this.baseline = baseline;
    return { ...result, logOffAt: this.logOff.pending()?.at ?? null };
  }

  /** Stops the log-off timer (tests, shutdown). */
  stop(): void {
    this.logOff.cancel();
  }

  /** The timed log-off, through the same apply path; a concurrent edit is retried on the new version. */
  private async turnLogOff(state: LogOffState): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await readCorefileConfigMap(this.deps.core, cmRef(this.deps));
      try {
        const { baseline } = await writeChange(this.deps, {
          change: { edits: state.blocks.map((block) => ({ op: "setLog" as const, block, on: false })) },
          resourceVersion: current.resourceVersion,
          restart: true,
          action: "log-auto-off",
          user: state.requestedBy,
        });
        this.baseline = baseline;
        return;
      } catch (err) {
        if (err instanceof CorefileConflictError) continue;
        // Already off (turned off by hand): nothing left to do.
        if (err instanceof DashboardError && err.status === 422 && err.message.startsWith("nothing to apply"))
          return;
        throw err;
      }
    }
    throw new DashboardError(409, "the Corefile kept changing while turning logging off; retrying");
  }
}
