/**
 * How many sockets the simulated cluster may hold. Each full pod holds about nine file descriptors
 * (UDP and TCP DNS on two addresses, /metrics, /health, and its upstream connection, whose both ends
 * are in this process); thousands of pods pass a process's descriptor limit (EMFILE). Past the limit
 * the cluster runs lean (sim/dns/pod.ts LeanSockets): three per pod.
 */
import fs from "node:fs";

const FULL_FDS_PER_POD = 10;
export const LEAN_FDS_PER_POD = 3;
/** The API server, its clients' connections and watches, logs, pipes: what the rest may take. */
const RESERVE_FDS = 1500;

/** The soft and hard "Max open files" of this process (Infinity where unlimited or unreadable). */
export function openFileLimits(limitsText?: string): { soft: number; hard: number } {
  let text = limitsText;
  try {
    text ??= fs.readFileSync("/proc/self/limits", "utf8");
  } catch {
    return { soft: Infinity, hard: Infinity };
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  const num = (s: string | undefined) => (s === undefined || s === "unlimited" ? Infinity : Number(s));
  return m ? { soft: num(m[1]), hard: num(m[2]) } : { soft: Infinity, hard: Infinity };
}

/** Whether `pods` full pods fit under `limit` descriptors; when not, whether lean ones do. */
export function socketPlan(pods: number, limit: number): { lean: boolean; fits: boolean; needed: number } {
  const full = pods * FULL_FDS_PER_POD + RESERVE_FDS;
  if (full <= limit) return { lean: false, fits: true, needed: full };
  const lean = pods * LEAN_FDS_PER_POD + RESERVE_FDS;
  return { lean: true, fits: lean <= limit, needed: lean };
}
