"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo } from "react";
import { useNodeNames } from "@/components/nodes/use-nodes";
import { ColumnChooser, useHiddenColumns } from "@/components/table/column-chooser";
import type { LogFollowing } from "@/lib/api-types";
import { summarizeLogs } from "@/lib/logs/summary";
import { FILTER_KEYS, LogFilters, type FilterValues } from "./log-filters";
import { LogDirectiveBanner } from "./log-directive-banner";
import { isMarker, type BufferedRow, type LogStore } from "./log-store";
import { LogSummaryPanels } from "./log-summary";
import { CHOOSABLE_LOG_COLUMNS, DEFAULT_HIDDEN_LOG_COLUMNS, LogTable } from "./log-table";
import { useLogStream } from "./use-log-stream";
import { viewFilterOf } from "./view-filter";

/** Container for the Logs page: filters in the URL, one SSE stream, the table and the summaries. */
export function LogsView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const values = useMemo(() => {
    const v: FilterValues = {};
    for (const k of FILTER_KEYS) {
      const s = params.get(k);
      if (s) v[k] = s;
    }
    return v;
  }, [params]);
  const query = useMemo(() => new URLSearchParams(values as Record<string, string>).toString(), [values]);
  const onChange = useCallback(
    (next: FilterValues) =>
      router.replace(
        `${pathname}${Object.keys(next).length ? `?${new URLSearchParams(next as Record<string, string>)}` : ""}`,
        { scroll: false },
      ),
    [router, pathname],
  );
  const nodes = useNodeNames();
  const store = useLogStream(query);
  const [hiddenColumns, toggleColumn] = useHiddenColumns(
    "nldd.logs.hiddenColumns",
    DEFAULT_HIDDEN_LOG_COLUMNS,
  );
  // Refine what is on screen at once; the reopened stream narrows what arrives. A filter that does
  // not compile leaves the last good one in place (the server's 400 says why, at the filter box).
  const viewFilter = useMemo(() => viewFilterOf(values), [values]);
  useEffect(() => {
    if (!("error" in viewFilter)) store.setFilter(viewFilter);
  }, [store, viewFilter]);
  const filterError =
    store.status === "stopped" && store.problem?.status === 400 ? store.problem.message : null;
  const rows = store.rows;
  const lineRows = useMemo(() => rows.filter((r): r is BufferedRow => !isMarker(r)), [rows]);
  const summary = useMemo(() => summarizeLogs(lineRows), [lineRows]);
  const lastNotice = store.notices[store.notices.length - 1];

  const download = () => {
    const text = lineRows.map((r) => `${r.time ?? ""} ${r.node} ${r.line.raw}`).join("\n") + "\n";
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `node-local-dns-logs-${new Date().toISOString().replace(/[:.]/g, "-")}.log`;
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <>
      <LogDirectiveBanner />
      <LogFilters
        values={values}
        nodes={nodes.data?.names ?? []}
        following={store.following}
        error={filterError}
        onChange={onChange}
      />
      <FollowingLine following={store.following} />
      <div className="log-toolbar" role="toolbar" aria-label="Log stream">
        <StatusBadge status={store.status} />
        {store.paused ? (
          <button type="button" onClick={() => store.resume()}>
            Resume ({store.pendingCount} waiting)
          </button>
        ) : (
          <button type="button" onClick={() => store.pause()}>
            Pause
          </button>
        )}
        <button type="button" onClick={() => store.clear()}>
          Clear
        </button>
        <ColumnChooser
          columns={CHOOSABLE_LOG_COLUMNS}
          hidden={hiddenColumns}
          onToggle={toggleColumn}
          legend="Log columns to show"
        />
        <button type="button" onClick={download} disabled={lineRows.length === 0}>
          Download ({lineRows.length})
        </button>
        <span className="muted" data-testid="log-counts">
          {store.received} lines received, {lineRows.length} of {store.bufferedCount} kept shown
          {store.droppedByServer > 0 ? `, ${store.droppedByServer} dropped by the server` : ""}
        </span>
        {lastNotice && (
          <span
            className={`muted notice notice-${lastNotice.kind}`}
            title={store.notices.map((n) => n.message).join("\n")}
          >
            {lastNotice.message}
          </span>
        )}
      </div>
      <StreamProblemBanner store={store} />
      {store.coverage?.since ? (
        <p className="banner banner-warn" role="status" data-testid="log-coverage">
          This filter lets through lines an earlier one did not: those logged before{" "}
          {new Date(store.coverage.since).toLocaleTimeString()} are not available (the server sent only what
          the earlier filter matched). Everything from then on is shown.
        </p>
      ) : null}
      <div className="logs-layout">
        <LogTable rows={rows} hidden={hiddenColumns} />
        <LogSummaryPanels summary={summary} following={store.following} />
      </div>
    </>
  );
}

/**
 * Which nodes the stream follows, in the server's words ("following 50 of 5,000 nodes (the first 50
 * by name; …) — choose nodes to follow others"); a warning when the default leaves nodes out.
 */
function FollowingLine({ following }: { following: LogFollowing | null }) {
  if (!following) return null;
  return (
    <p
      className={following.mode === "first" ? "banner banner-warn" : "muted"}
      role="status"
      data-testid="log-following"
      data-mode={following.mode}
    >
      Logs: {following.message}
      {following.mode === "first" ? ". Pick nodes in the Nodes box to follow exactly those." : ""}
    </p>
  );
}

const STATUS_LABEL: Record<LogStore["status"], [string, string]> = {
  open: ["live", "badge-ok"],
  connecting: ["connecting…", "badge-warn"],
  retrying: ["reconnecting…", "badge-warn"],
  stopped: ["stopped", "badge-bad"],
};

function StatusBadge({ status }: { status: LogStore["status"] }) {
  const [label, cls] = STATUS_LABEL[status];
  return (
    <span className={`badge ${cls}`} data-stream-status={status}>
      {label}
    </span>
  );
}

/** Why no lines arrive, in the server's words: a refusal (401/403/429) or a lost connection. */
function StreamProblemBanner({ store }: { store: LogStore }) {
  const p = store.problem;
  // A 400 is about the filter: it is shown at the filter box.
  if (!p || store.status === "open" || p.status === 400) return null;
  const retry = p.retryAt === null ? "" : ` Trying again at ${new Date(p.retryAt).toLocaleTimeString()}.`;
  return (
    <p
      className={`banner ${p.retryAt === null ? "banner-bad" : "banner-warn"}`}
      role="alert"
      data-testid="log-stream-problem"
      data-status={p.status}
    >
      {p.status ? `The log stream was refused (${p.status}): ` : "The log stream stopped: "}
      {p.message}.{retry}
    </p>
  );
}
