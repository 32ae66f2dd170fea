import type { OverviewRow } from "@/lib/api-types";

/** Which rows to show: everything, or only those that need a look. In the URL as `?only=`. */
export const ROW_SETS = {
  all: { label: "All nodes", keep: () => true },
  unhealthy: {
    label: "Unhealthy only",
    keep: (r: OverviewRow) => r.health.state === "warning" || r.health.state === "critical",
  },
  notReady: { label: "Not ready", keep: (r: OverviewRow) => !r.nodeReady || !r.pod || !r.podReady },
  odd: { label: "Odd ones out", keep: (r: OverviewRow) => r.oddOneOut.length > 0 },
} satisfies Record<string, { label: string; keep: (r: OverviewRow) => boolean }>;

export type RowSet = keyof typeof ROW_SETS;

export function isRowSet(v: string | null): v is RowSet {
  return v !== null && Object.hasOwn(ROW_SETS, v);
}

/**
 * The rows matching the text box (node name, pod name, CoreDNS version or image, case-insensitive;
 * several words must all match) and the chosen set. Pure, so sorting and filtering 5,000 rows stay
 * in the browser with no server round trip.
 */
export function filterRows<R extends OverviewRow>(rows: readonly R[], text: string, set: RowSet): R[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  const keep = ROW_SETS[set].keep;
  return rows.filter((r) => {
    if (!keep(r)) return false;
    if (!words.length) return true;
    const hay = `${r.node} ${r.pod ?? ""} ${r.corednsVersion ?? ""} ${r.image ?? ""}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** Severity order for sorting by health: critical first when descending. */
export const HEALTH_RANK: Record<OverviewRow["health"]["state"], number> = {
  healthy: 0,
  unknown: 1,
  warning: 2,
  critical: 3,
};
