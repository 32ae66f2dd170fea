"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  ApplyResult,
  ConfigHistory,
  ConfigPreview,
  ConfigResponse,
  Edit,
  RestartResult,
  RolloutProgress,
} from "@/lib/api-types";
import { fetchJson as call } from "@/lib/client/fetch-json";

/** Query keys of the Config page, next to their hooks. */
export const configKeys = {
  all: ["config"] as const,
  current: () => ["config", "current"] as const,
  rollout: () => ["config", "rollout"] as const,
  history: () => ["config", "history"] as const,
};

/** The change the operator is about to make: intents from the cards, or the raw text. */
export type ChangeBody = { resourceVersion: string } & ({ edits: Edit[] } | { corefile: string }) & {
    logFor?: { minutes: number };
  };

export function useConfig() {
  return useQuery({
    queryKey: configKeys.current(),
    queryFn: () => call<ConfigResponse>("/api/config"),
    // Not refetched on focus while the operator edits: the resourceVersion their edit is based on
    // must stay the one they saw. A conflict on Apply says when it moved.
    refetchOnWindowFocus: false,
  });
}

/**
 * The Corefile in the cluster now, read fresh for the rollback confirmation's diff — apart from
 * useConfig, whose resourceVersion the operator's draft is based on and must not move under it.
 */
export function useCurrentCorefile(enabled: boolean) {
  return useQuery({
    queryKey: [...configKeys.all, "now"] as const,
    queryFn: () => call<ConfigResponse>("/api/config"),
    enabled,
    staleTime: 0,
    gcTime: 0,
  });
}

/** Rollout progress, polled every second while a rollout runs, every 5 s otherwise. */
export function useRollout() {
  return useQuery({
    queryKey: configKeys.rollout(),
    queryFn: () => call<RolloutProgress>("/api/rollout"),
    refetchInterval: (q) => (q.state.data && q.state.data.status.done && !q.state.data.failure ? 5000 : 1000),
  });
}

export function useHistory() {
  return useQuery({
    queryKey: configKeys.history(),
    queryFn: () => call<ConfigHistory>("/api/config/history"),
  });
}

export function usePreview() {
  return useMutation({
    mutationFn: (body: ChangeBody) =>
      call<ConfigPreview>("/api/config/preview", { method: "POST", body: JSON.stringify(body) }),
  });
}

/** Apply, rollback and restart all change what the page shows: refetch everything after each. */
function useInvalidating<A, R>(fn: (arg: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: configKeys.all }) });
}

export function useApply() {
  return useInvalidating((body: ChangeBody & { restart: boolean }) =>
    call<ApplyResult>("/api/config", { method: "PUT", body: JSON.stringify(body) }),
  );
}

export function useRollback() {
  return useInvalidating((id: string) =>
    call<ApplyResult>("/api/config/rollback", { method: "POST", body: JSON.stringify({ id }) }),
  );
}

export function useRestart() {
  return useInvalidating(() => call<RestartResult>("/api/rollout/restart", { method: "POST" }));
}
