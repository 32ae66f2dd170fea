"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";
import type { OverviewResponse } from "@/lib/api-types";
import { fetchJson } from "@/lib/client/fetch-json";
import { applyOverview, type OverviewState } from "@/lib/overview/apply";
import { WireError } from "@/lib/overview/columns";

export const overviewKeys = { all: ["overview"] as const };

/** Most names sent as the window (the server's limit is higher). */
const MAX_WINDOW = 200;

function url(since: string | null, onScreen: readonly string[]): string {
  const q = new URLSearchParams();
  if (since) q.set("since", since);
  if (onScreen.length) q.set("rows", onScreen.slice(0, MAX_WINDOW).join(","));
  const s = q.toString();
  return s ? `/api/overview?${s}` : "/api/overview";
}

/**
 * Every node's row for the overview, refreshed every 2 s from `/api/overview`: a full load first,
 * then only what changed since the version held, merged here (lib/overview/apply.ts). The rows on
 * screen (`setWindow`, from the virtualised table) come exact with every answer; a row scrolled
 * into view is asked for at once.
 */
export function useOverview() {
  const client = useQueryClient();
  const onScreen = useRef<readonly string[]>([]);
  const query = useQuery({
    queryKey: overviewKeys.all,
    queryFn: async (): Promise<OverviewState> => {
      const held = client.getQueryData<OverviewState>(overviewKeys.all) ?? null;
      const names = onScreen.current;
      const res = await fetchJson<OverviewResponse>(url(held?.meta.version ?? null, names));
      try {
        const next = applyOverview(held, res);
        if (next) return next;
      } catch (err) {
        if (!(err instanceof WireError)) throw err;
      }
      // A refresh of a version we do not hold (the server restarted, or we fell behind), or one that
      // does not decode: start over from a full load.
      const full = applyOverview(null, await fetchJson<OverviewResponse>(url(null, names)));
      if (!full) throw new Error("the dashboard answered a refresh to a request for a full load");
      return full;
    },
    refetchInterval: 2000,
    // The state is a Map of rows merged in place of the old one; there is nothing to share structurally.
    structuralSharing: false,
  });
  const refetch = query.refetch;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  const setWindow = useCallback(
    (names: readonly string[]) => {
      onScreen.current = names;
      const held = client.getQueryData<OverviewState>(overviewKeys.all);
      if (!held || names.every((n) => held.window.has(n))) return;
      // Scrolling: ask once it settles, not on every frame.
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void refetch(), 150);
    },
    [client, refetch],
  );
  return { ...query, setWindow };
}
