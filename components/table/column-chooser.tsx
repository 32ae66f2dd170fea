"use client";

import { useCallback, useMemo, useSyncExternalStore } from "react";

/** A column the reader may show or hide. */
export interface ChoosableColumn {
  id: string;
  label: string;
}

// One listener set per storage key: a toggle re-renders every table that shares the choice (and no other).
const listeners = new Map<string, Set<() => void>>();

function listenersOf(key: string): Set<() => void> {
  let set = listeners.get(key);
  if (!set) listeners.set(key, (set = new Set()));
  return set;
}

/** The stored JSON, or "" when nothing is stored (or storage cannot be read: private mode). */
function readStored(key: string): string {
  try {
    return window.localStorage.getItem(key) ?? "";
  } catch {
    return "";
  }
}

/**
 * Columns the reader has hidden, remembered in this browser (localStorage under `storageKey`).
 * `defaultHidden` applies until the reader first changes the choice; the server renders with it.
 */
export function useHiddenColumns(
  storageKey: string,
  defaultHidden: readonly string[] = [],
): [ReadonlySet<string>, (id: string) => void] {
  const raw = useSyncExternalStore(
    (onChange) => {
      const set = listenersOf(storageKey);
      set.add(onChange);
      return () => set.delete(onChange);
    },
    () => readStored(storageKey),
    () => "",
  );
  const defaults = defaultHidden.join("\n");
  const hidden = useMemo(() => {
    if (raw === "") return new Set(defaults ? defaults.split("\n") : []);
    try {
      const saved = JSON.parse(raw) as unknown;
      return new Set(Array.isArray(saved) ? saved.filter((x): x is string => typeof x === "string") : []);
    } catch {
      return new Set<string>();
    }
  }, [raw, defaults]);
  const toggle = useCallback(
    (id: string) => {
      const next = new Set(hidden);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      try {
        window.localStorage.setItem(storageKey, JSON.stringify([...next]));
      } catch {
        // Private mode: nothing is remembered.
      }
      for (const l of listenersOf(storageKey)) l();
    },
    [hidden, storageKey],
  );
  return [hidden, toggle];
}

/** The "Columns" disclosure: one checkbox per choosable column. */
export function ColumnChooser({
  columns,
  hidden,
  onToggle,
  legend = "Columns to show",
}: {
  columns: readonly ChoosableColumn[];
  hidden: ReadonlySet<string>;
  onToggle: (id: string) => void;
  legend?: string;
}) {
  return (
    <details className="column-chooser">
      <summary>Columns</summary>
      <fieldset>
        <legend className="visually-hidden">{legend}</legend>
        {columns.map((c) => (
          <label key={c.id}>
            <input type="checkbox" checked={!hidden.has(c.id)} onChange={() => onToggle(c.id)} /> {c.label}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
