"use client";

import { useEffect, useId, useState } from "react";
import type { LogFollowing } from "@/lib/api-types";
import { NodePicker } from "./node-picker";

export const FILTER_KEYS = ["node", "name", "type", "rcode", "client", "minDuration", "errors"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type FilterValues = Partial<Record<FilterKey, string>>;

/**
 * The filter bar. Values live in the URL (shareable); text fields apply after a short pause in typing.
 * A URL change made elsewhere (back/forward, a shared link) replaces the draft; the bar is never
 * remounted, so the field being typed in keeps the focus. `error` is the server's refusal of the
 * applied filter (a 400), shown at the field it is about.
 */
export function LogFilters({
  values,
  nodes,
  following = null,
  error,
  onChange,
}: {
  values: FilterValues;
  nodes: string[];
  /** Which nodes the stream follows (what the node picker says when none are chosen). */
  following?: LogFollowing | null;
  error: string | null;
  onChange: (next: FilterValues) => void;
}) {
  const errorId = useId();
  const [draft, setDraft] = useState(values);
  const [applied, setApplied] = useState(values);
  // What this bar last asked for: the URL catching up with it must not undo keys typed since.
  const [sent, setSent] = useState<string | null>(null);
  if (applied !== values) {
    // Adjusting state to a new prop during render (no effect, no extra paint).
    setApplied(values);
    const now = JSON.stringify(clean(values));
    if (now !== sent && now !== JSON.stringify(clean(draft))) setDraft(values);
  }
  useEffect(() => {
    const t = setTimeout(() => {
      const next = clean(draft);
      if (JSON.stringify(next) !== JSON.stringify(clean(values))) {
        setSent(JSON.stringify(next));
        onChange(next);
      }
    }, 400);
    return () => clearTimeout(t);
  }, [draft, values, onChange]);
  const set = (k: FilterKey, v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const selectedNodes = (draft.node ?? "").split(",").filter(Boolean);
  const nameError = error !== null && error.startsWith("name filter");
  return (
    <form className="filters" role="search" aria-label="Log filters" onSubmit={(e) => e.preventDefault()}>
      <NodePicker
        nodes={nodes}
        selected={selectedNodes}
        following={following}
        onChange={(next) => set("node", next.join(","))}
      />
      <label>
        Name
        <input
          value={draft.name ?? ""}
          placeholder="substring or /regex/"
          aria-invalid={nameError || undefined}
          aria-describedby={error !== null ? errorId : undefined}
          onChange={(e) => set("name", e.target.value)}
        />
      </label>
      <label>
        Type
        <input
          value={draft.type ?? ""}
          placeholder="A,AAAA"
          size={8}
          onChange={(e) => set("type", e.target.value)}
        />
      </label>
      <label>
        Rcode
        <input
          value={draft.rcode ?? ""}
          placeholder="NXDOMAIN,SERVFAIL"
          size={14}
          onChange={(e) => set("rcode", e.target.value)}
        />
      </label>
      <label>
        Client
        <input
          value={draft.client ?? ""}
          placeholder="10.244.1."
          size={12}
          onChange={(e) => set("client", e.target.value)}
        />
      </label>
      <label>
        Min ms
        <input
          type="number"
          min={0}
          value={draft.minDuration ?? ""}
          size={5}
          onChange={(e) => set("minDuration", e.target.value)}
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={draft.errors === "true"}
          onChange={(e) => set("errors", e.target.checked ? "true" : "")}
        />
        Errors only
      </label>
      <button type="button" onClick={() => setDraft({})}>
        Reset filters
      </button>
      {error !== null ? (
        <p id={errorId} className="filter-error" role="alert" data-testid="filter-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function clean(v: FilterValues): FilterValues {
  const out: FilterValues = {};
  for (const k of FILTER_KEYS) {
    const s = v[k]?.trim();
    if (s) out[k] = s;
  }
  return out;
}
