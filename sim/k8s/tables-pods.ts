/**
 * The pod row of `kubectl get pods`: READY, STATUS and RESTARTS derived from container statuses
 * exactly as the API server's printPod does (waiting reasons win, `Terminating` once deletion started,
 * `2 (5m ago)` restarts).
 */
import { age, humanDuration } from "./duration";
import type { KubeObject } from "./types";
import { isObj, type Json } from "./json";

/** Prints one object's cells at `now`. */
export type PrintRow = (o: KubeObject, now: Date) => unknown[];

const str = (v: unknown): string => (typeof v === "string" ? v : "");

export const podReadyAndStatus: PrintRow = (o, now) => {
  const spec = isObj(o.spec) ? o.spec : {};
  const status = isObj(o.status) ? o.status : {};
  const total = Array.isArray(spec.containers) ? spec.containers.length : 0;
  let reason = str(status.reason) || str(status.phase);
  let ready = 0;
  let restarts = 0;
  let lastRestart: string | undefined;
  const statuses = Array.isArray(status.containerStatuses) ? status.containerStatuses.filter(isObj) : [];
  let hasRunning = false;
  for (let i = statuses.length - 1; i >= 0; i--) {
    const c = statuses[i] as Json;
    restarts += typeof c.restartCount === "number" ? c.restartCount : 0;
    const lastTerm =
      isObj(c.lastState) && isObj(c.lastState.terminated) ? str(c.lastState.terminated.finishedAt) : "";
    if (lastTerm && (!lastRestart || lastTerm > lastRestart)) lastRestart = lastTerm;
    const state = isObj(c.state) ? c.state : {};
    const waiting = isObj(state.waiting) ? state.waiting : undefined;
    const terminated = isObj(state.terminated) ? state.terminated : undefined;
    if (waiting && str(waiting.reason)) reason = str(waiting.reason);
    else if (terminated && str(terminated.reason)) reason = str(terminated.reason);
    else if (terminated) {
      reason =
        typeof terminated.signal === "number" && terminated.signal !== 0
          ? `Signal:${terminated.signal}`
          : `ExitCode:${String(terminated.exitCode ?? 0)}`;
    } else if (isObj(state.running) && c.ready === true) {
      hasRunning = true;
      ready++;
    } else if (isObj(state.running)) hasRunning = true;
  }
  if (reason === "Completed" && hasRunning) reason = "Running";
  if (o.metadata.deletionTimestamp) reason = status.reason === "NodeLost" ? "Unknown" : "Terminating";
  const restartText =
    lastRestart && restarts > 0
      ? `${restarts} (${humanDuration(now.getTime() - Date.parse(lastRestart))} ago)`
      : String(restarts);
  const gates = Array.isArray(spec.readinessGates) ? spec.readinessGates.filter(isObj) : [];
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isObj) : [];
  const gatesText = gates.length
    ? `${gates.filter((g) => conditions.some((c) => c.type === g.conditionType && c.status === "True")).length}/${gates.length}`
    : "<none>";
  return [
    o.metadata.name,
    `${ready}/${total}`,
    reason,
    restartText,
    age(o.metadata.creationTimestamp, now),
    str(status.podIP) || "<none>",
    str(spec.nodeName) || "<none>",
    str(status.nominatedNodeName) || "<none>",
    gatesText,
  ];
};
