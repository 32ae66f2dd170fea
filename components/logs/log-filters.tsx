"use client";

import { useEffect, useState } from "react";

export const FILTER_KEYS = ["node", "name", "type", "rcode", "client", "minDuration", "errors"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type FilterValues = Partial<Record<FilterKey, string>>;

/**
 * The filter bar. Values live in the URL (shareable); text fields apply after a short pause in typing.
 * The parent keys this component by the applied filters, so a URL change resets the draft.
 */
export function LogFilters({
  values,
  nodes,
  onChange,
}: {
  values: FilterValues;
  nodes: string[];
  onChange: (next: FilterValues) => void;
}) {
  const [draft, setDraft] = useState(values);
  useEffect(() => {
    const t = setTimeout(() => {
      if (JSON.stringify(clean(draft)) !== JSON.stringify(clean(values))) onChange(clean(draft));
    }, 400);
    return () => clearTimeout(t);
  }, [draft, values, onChange]);
  const set = (k: FilterKey, v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const selectedNodes = new Set((draft.node ?? "").split(",").filter(Boolean));
  return (
    <form className="filters" role="search" aria-label="Log filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        Nodes
        <select
          multiple
          size={Math.min(4, Math.max(2, nodes.length))}
          value={[...selectedNodes]}
          onChange={(e) => set("node", [...e.target.selectedOptions].map((o) => o.value).join(","))}
        >
          {nodes.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <label>
        Name
        <input
          value={draft.name ?? ""}
          placeholder="substring or /regex/"
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
