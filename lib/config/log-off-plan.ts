/**
 * The timed log-off as it is kept in the cluster: an annotation on the node-local-dns ConfigMap,
 * written in the same update as the Corefile change that turned logging on, and removed in the same
 * update that turns it off. Any dashboard replica that runs honours it; the update carrying the
 * resourceVersion it read means only one of two replicas racing at the deadline succeeds (the other
 * gets 409, reads again, and finds the annotation gone).
 */
import { z } from "zod";

/** `kubectl get cm node-local-dns -o jsonpath='{.metadata.annotations.nodelocal-dns-dashboard/log-off}'`. */
export const LOG_OFF_ANNOTATION = "nodelocal-dns-dashboard/log-off";

/** When to turn query logging off, in which blocks, at whose request. */
export interface LogOffPlan {
  /** ISO time. */
  at: string;
  /** The blocks it was turned on for, as the edits named them ("*" = all). */
  blocks: string[];
  requestedBy: string;
}

const planSchema = z.object({
  at: z.iso.datetime({ offset: true }),
  blocks: z.array(z.string().min(1)).min(1),
  requestedBy: z.string(),
});

export function encodeLogOffPlan(p: LogOffPlan): string {
  return JSON.stringify({ at: p.at, blocks: p.blocks, requestedBy: p.requestedBy });
}

/** The plan on a ConfigMap, null when there is none; an unreadable one is reported, not thrown. */
export function logOffPlanOf(annotations: Readonly<Record<string, string>> | undefined): {
  plan: LogOffPlan | null;
  problem: string | null;
} {
  const raw = annotations?.[LOG_OFF_ANNOTATION];
  if (raw === undefined) return { plan: null, problem: null };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { plan: null, problem: `the ${LOG_OFF_ANNOTATION} annotation is not JSON: ${raw.slice(0, 80)}` };
  }
  const parsed = planSchema.safeParse(json);
  if (!parsed.success) {
    return {
      plan: null,
      problem: `the ${LOG_OFF_ANNOTATION} annotation is not readable: ${parsed.error.issues[0]?.message}`,
    };
  }
  return { plan: parsed.data, problem: null };
}

/** Same plan (a watch event for an unrelated write must not re-arm a pending turn-off). */
export const samePlan = (a: LogOffPlan | null, b: LogOffPlan | null) =>
  a !== null && b !== null && encodeLogOffPlan(a) === encodeLogOffPlan(b);

/** Turned off late enough that no dashboard ran at the deadline: the record says so. */
export const LATE_AFTER_MS = 60_000;

/** The history note of a turn-off that came late (the deadline passed while no dashboard ran), or null. */
export function lateNote(plan: LogOffPlan, now: Date): string | null {
  const lateMs = now.getTime() - Date.parse(plan.at);
  if (lateMs < LATE_AFTER_MS) return null;
  const minutes = Math.round(lateMs / 60_000);
  return (
    `the deadline (${plan.at}) passed while no dashboard was running; ` +
    `turned off ${minutes} min late, when a dashboard started`
  );
}
