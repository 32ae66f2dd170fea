"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { useNodes } from "@/components/nodes/use-nodes";
import { summarizeLogs, type LogRow } from "@/lib/logs/summary";
import { FILTER_KEYS, LogFilters, type FilterValues } from "./log-filters";
import { LogDirectiveBanner } from "./log-directive-banner";
import { isMarker } from "./log-store";
import { LogSummaryPanels } from "./log-summary";
import { LogTable } from "./log-table";
import { useLogStream } from "./use-log-stream";

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
  const nodes = useNodes();
  const store = useLogStream(query);
  const rows = store.rows;
  const lineRows = useMemo(() => rows.filter((r): r is LogRow => !isMarker(r)), [rows]);
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
        key={query}
        values={values}
        nodes={nodes.data?.nodes.map((n) => n.node) ?? []}
        onChange={onChange}
      />
      <div className="log-toolbar" role="toolbar" aria-label="Log stream">
        <span
          className={`badge ${store.status === "open" ? "badge-ok" : store.status === "error" ? "badge-bad" : "badge-warn"}`}
          data-stream-status={store.status}
        >
          {store.status === "open" ? "live" : store.status === "error" ? "disconnected" : "connecting…"}
        </span>
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
        <button type="button" onClick={download} disabled={lineRows.length === 0}>
          Download ({lineRows.length})
        </button>
        <span className="muted" data-testid="log-counts">
          {store.received} lines received
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
      <div className="logs-layout">
        <LogTable rows={rows} />
        <LogSummaryPanels summary={summary} />
      </div>
    </>
  );
}
