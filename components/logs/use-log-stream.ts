"use client";

import { useEffect, useState, useSyncExternalStore } from "react";
import type { LogFollowing, LogLineEvent, LogNotice } from "@/lib/api-types";
import { followEventStream } from "./log-stream-client";
import { LogStore } from "./log-store";

/**
 * Follow GET /api/logs/stream with the given filter query into one buffer that outlives filter
 * changes: a new query reopens the stream (the server narrows what arrives) into the same store.
 */
export function useLogStream(query: string): LogStore {
  const [store] = useState(() => new LogStore());
  useEffect(() => {
    const s = store;
    const abort = new AbortController();
    s.setStatus("connecting");
    void followEventStream(
      `/api/logs/stream${query ? `?${query}` : ""}`,
      {
        onOpen: () => s.setStatus("open"),
        onProblem: (p) => s.setStatus(p.retryAt === null ? "stopped" : "retrying", p),
        onEvent(type, data) {
          if (type === "line") s.addLine(JSON.parse(data) as LogLineEvent);
          else if (type === "notice") s.addNotice(JSON.parse(data) as LogNotice);
          else if (type === "dropped") s.addDropped((JSON.parse(data) as { dropped: number }).dropped);
          else if (type === "following") s.setFollowing(JSON.parse(data) as LogFollowing);
        },
      },
      abort.signal,
    );
    return () => abort.abort();
  }, [query, store]);
  useEffect(() => () => store.stopNotifying(), [store]);
  useSyncExternalStore(store.subscribe, store.getVersion, store.getVersion);
  return store;
}
