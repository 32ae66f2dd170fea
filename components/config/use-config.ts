"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  ApplyResult,
  ConfigConflictBody,
  ConfigHistory,
  ConfigPreview,
  ConfigResponse,
  Edit,
  RestartResult,
  RolloutProgress,
} from "@/lib/api-types";
import type { ErrorBody } from "@/lib/errors";

/** An error answer of the config API, with its whole body: a 409 carries both Corefile versions. */
export class ConfigApiError extends Error {
  override readonly name = "ConfigApiError";
  constructor(
    readonly status: number,
    message: string,
    readonly body: Partial<ErrorBody> & Partial<Omit<ConfigConflictBody, "error">>,
  ) {
    super(message);
  }
  /** The 409 body, when this is a conflict. */
  get conflict(): ConfigConflictBody | null {
    return this.status === 409 && this.body.current && this.body.yours
      ? (this.body as ConfigConflictBody)
      : null;
  }
  /** CoreDNS's problems with a refused Corefile (422), if any. */
  get problems(): { line: number; message: string }[] {
    const p = this.body.error?.details?.["problems"];
    return Array.isArray(p) ? (p as { line: number; message: string }[]) : [];
  }
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      headers: { accept: "application/json", ...(init?.body ? { "content-type": "application/json" } : {}) },
    });
  } catch {
    throw new ConfigApiError(0, "cannot reach the dashboard server — is it still running?", {});
  }
  const body = (await res.json().catch(() => ({}))) as unknown;
  if (!res.ok) {
    const b = (body ?? {}) as ConfigApiError["body"];
    throw new ConfigApiError(
      res.status,
      b.error?.message ?? `the dashboard server answered ${res.status}`,
      b,
    );
  }
  return body as T;
}

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
