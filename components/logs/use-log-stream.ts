"use client";

import { useEffect, useMemo, useSyncExternalStore } from "react";
import type { LogLineEvent, LogNotice } from "@/lib/api-types";
import { LogStore } from "./log-store";

/** Subscribe to GET /api/logs/stream with the given filter query; a new query opens a new stream. */
export function useLogStream(query: string): LogStore {
  // A new filter is a new stream and a fresh buffer.
  const store = useMemo(() => new LogStore(query), [query]);
  useEffect(() => {
    const s = store;
    const source = new EventSource(`/api/logs/stream${query ? `?${query}` : ""}`);
    source.onopen = () => s.setStatus("open");
    source.onerror = () => s.setStatus(source.readyState === EventSource.CLOSED ? "error" : "connecting");
    source.addEventListener("line", (e) =>
      s.addLine(JSON.parse((e as MessageEvent<string>).data) as LogLineEvent),
    );
    source.addEventListener("notice", (e) =>
      s.addNotice(JSON.parse((e as MessageEvent<string>).data) as LogNotice),
    );
    source.addEventListener("dropped", (e) =>
      s.addDropped((JSON.parse((e as MessageEvent<string>).data) as { dropped: number }).dropped),
    );
    return () => {
      source.close();
      s.stopNotifying();
    };
  }, [query, store]);
  useSyncExternalStore(store.subscribe, store.getVersion, store.getVersion);
  return store;
}
