import type { MemoryEstimate } from "@/lib/api-types";

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(0)} MiB`;
}

/** The full-cache memory estimate against node-cache's memory limit, as a bar with the warning. */
export function MemoryBar({
  estimate,
  title,
  edited = false,
}: {
  estimate: MemoryEstimate | null;
  title: string;
  /** The estimate is of the operator's unsaved edits, not of the Corefile in the cluster. */
  edited?: boolean;
}) {
  if (!estimate)
    return (
      <p className="muted" data-testid="memory-estimate">
        No memory estimate: the {edited ? "edited " : ""}Corefile does not parse.
      </p>
    );
  const pct = estimate.ratio === null ? null : Math.min(100, Math.round(estimate.ratio * 100));
  return (
    <div
      className={`cfg-memory cfg-memory-${estimate.level}`}
      data-level={estimate.level}
      data-testid="memory-estimate"
      data-total-bytes={estimate.totalBytes}
      data-edited={edited || undefined}
      aria-live="polite"
    >
      <div className="cfg-memory-head">
        <strong>{title}</strong>
        <span>
          {mib(estimate.totalBytes)}
          {estimate.limitBytes !== null ? ` of ${mib(estimate.limitBytes)} limit` : " (no limit)"}
        </span>
      </div>
      {pct !== null ? (
        <div
          className="cfg-memory-track"
          role="meter"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          aria-label={`${title}: ${pct}% of the memory limit`}
        >
          <div className="cfg-memory-fill" style={{ width: `${pct}%` }} />
        </div>
      ) : null}
      <p className={estimate.level === "ok" ? "muted" : ""}>{estimate.message}</p>
    </div>
  );
}
