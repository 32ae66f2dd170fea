"use client";

import { useId, useMemo, useState, type FocusEvent, type KeyboardEvent } from "react";
import type { LogFollowing } from "@/lib/api-types";

/** Options rendered at once; more are reached by typing (hundreds of nodes stay quick). */
const MAX_OPTIONS = 100;

/**
 * Which nodes' lines to show, for clusters of hundreds of nodes: the chosen ones as chips, and a
 * type-to-search list to add or remove them (ARIA combobox with a multi-select listbox: arrows move,
 * Enter toggles, Escape closes, Backspace in the empty box removes the last chip). None chosen means
 * every node, or in a cluster larger than DASHBOARD_LOG_FOLLOW_MAX the first that many by name.
 */
export function NodePicker({
  nodes,
  selected,
  following = null,
  onChange,
}: {
  nodes: readonly string[];
  selected: readonly string[];
  /**
   * Which nodes the stream follows: with none chosen in a cluster larger than the default, only the
   * first ones by name, which the empty box says instead of "all".
   */
  following?: LogFollowing | null;
  onChange: (next: string[]) => void;
}) {
  const id = useId();
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const chosen = useMemo(() => new Set(selected), [selected]);
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? nodes.filter((n) => n.toLowerCase().includes(q)) : nodes;
  }, [nodes, query]);
  const shown = matches.slice(0, MAX_OPTIONS);
  const activeIndex = Math.min(active, Math.max(0, shown.length - 1));
  const toggle = (node: string) =>
    onChange(chosen.has(node) ? selected.filter((n) => n !== node) : [...selected, node]);

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    const move = (to: number) => {
      setOpen(true);
      setActive(Math.max(0, Math.min(shown.length - 1, to)));
    };
    if (e.key === "ArrowDown") move(open ? activeIndex + 1 : 0);
    else if (e.key === "ArrowUp") move(activeIndex - 1);
    else if (e.key === "Enter" && open && shown[activeIndex]) toggle(shown[activeIndex]);
    else if (e.key === "Escape" && (open || query)) {
      setOpen(false);
      setQuery("");
    } else if (e.key === "Backspace" && query === "" && selected.length) {
      onChange(selected.slice(0, -1));
    } else return;
    e.preventDefault();
  };
  const onBlur = (e: FocusEvent<HTMLDivElement>) => {
    if (!e.currentTarget.contains(e.relatedTarget)) setOpen(false);
  };

  return (
    <div className="node-picker" onBlur={onBlur} data-testid="node-picker">
      <span id={`${id}-label`} className="node-picker-label">
        Nodes
      </span>
      <div className="node-picker-box">
        {selected.length ? (
          <ul className="chips" aria-label="Nodes shown">
            {selected.map((n) => (
              <li key={n} className="chip">
                {n}
                <button type="button" aria-label={`Remove ${n}`} onClick={() => toggle(n)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <input
          role="combobox"
          aria-labelledby={`${id}-label`}
          aria-expanded={open}
          aria-controls={`${id}-list`}
          aria-autocomplete="list"
          aria-activedescendant={open && shown.length ? `${id}-opt-${activeIndex}` : undefined}
          placeholder={
            selected.length
              ? "add a node…"
              : following?.mode === "first"
                ? `following ${following.following} of ${following.total} — type to choose others`
                : `all ${nodes.length} nodes — type to pick`
          }
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onKeyDown={onKey}
        />
        {selected.length ? (
          <button type="button" className="linklike" onClick={() => onChange([])}>
            {following !== null && following.total > following.max
              ? `default (first ${following.max})`
              : "all nodes"}
          </button>
        ) : null}
      </div>
      {open ? (
        <div className="node-picker-pop">
          <ul
            id={`${id}-list`}
            role="listbox"
            aria-multiselectable="true"
            aria-labelledby={`${id}-label`}
            className="node-picker-list"
          >
            {shown.map((n, i) => (
              <li
                key={n}
                id={`${id}-opt-${i}`}
                role="option"
                aria-selected={chosen.has(n)}
                className={i === activeIndex ? "active" : undefined}
                // Keep focus in the box so the list stays open while clicking several nodes.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  setActive(i);
                  toggle(n);
                }}
              >
                <span aria-hidden="true" className="node-picker-check">
                  {chosen.has(n) ? "☑" : "☐"}
                </span>
                {n}
              </li>
            ))}
          </ul>
          {matches.length === 0 ? <p className="muted">No node matches “{query}”.</p> : null}
          {matches.length > shown.length ? (
            <p className="muted">{matches.length - shown.length} more — type to narrow.</p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
