/**
 * The browser's side of `/api/overview`: answers merged into one table of every node, so sorting and
 * filtering stay in the browser over all rows while each refresh carries only what changed. Pure.
 */
import type { OverviewResponse } from "@/lib/api-types";
import { dictKey, UNCHANGED, WireError } from "./columns";
import { decodeTable, unflatten, type Cell, type OverviewRow, type PartialCells } from "./wire";

export type OverviewMeta = Omit<OverviewResponse, "table" | "removed" | "window" | "kind" | "since">;

/** Every node's row as the browser holds it, at `meta.version`. */
export interface OverviewState {
  meta: OverviewMeta;
  /** Node name → its cells and its row (the row object is kept while its cells do not change). */
  byName: ReadonlyMap<string, { cells: readonly Cell[]; row: OverviewRow }>;
  /** Every row, in the server's order. */
  rows: readonly OverviewRow[];
  /** The names the last answer sent in full (`rows=`). */
  window: ReadonlySet<string>;
}

function meta(res: OverviewResponse): OverviewMeta {
  const { table: _t, removed: _r, window: _w, kind: _k, since: _s, ...rest } = res;
  return rest;
}

function complete(cells: PartialCells): cells is Cell[] {
  return !cells.includes(UNCHANGED);
}

const sameCells = (a: readonly Cell[], b: readonly Cell[]) =>
  a.every((c, i) => c === b[i] || (typeof c === "object" && dictKey(c) === dictKey(b[i])));

/**
 * `state` with `res` applied. Null when `res` is a refresh of another version than `state`'s (the
 * caller asks for a full load instead); a WireError when it does not decode.
 */
export function applyOverview(state: OverviewState | null, res: OverviewResponse): OverviewState | null {
  if (res.kind === "delta" && (!state || res.since !== state.meta.version)) return null;
  const byName = new Map(res.kind === "full" || !state ? [] : state.byName);
  // Nothing new keeps the same rows array, so the table does not sort 5,000 rows again for nothing.
  let touched = res.kind === "full" || !state;
  for (const r of decodeTable(res.removed)) touched = byName.delete(r[0] as string) || touched;
  const put = (cells: PartialCells) => {
    const name = cells[0] as string;
    const had = byName.get(name);
    if (!had) {
      if (!complete(cells))
        throw new WireError(`a refresh changes part of ${name}, which the browser does not have`);
      byName.set(name, { cells, row: unflatten(cells) });
      touched = true;
      return;
    }
    const next = had.cells.map((c, i) => (cells[i] === UNCHANGED ? c : (cells[i] as Cell)));
    if (sameCells(next, had.cells)) return;
    byName.set(name, { cells: next, row: unflatten(next) });
    touched = true;
  };
  for (const cells of decodeTable(res.table)) put(cells);
  const window = new Set<string>();
  for (const cells of decodeTable(res.window)) {
    if (!complete(cells)) throw new WireError(`the row of ${String(cells[0])} on screen is not whole`);
    window.add(cells[0] as string);
    put(cells);
  }
  const rows = touched || !state ? [...byName.values()].map((x) => x.row) : state.rows;
  return { meta: meta(res), byName, rows, window };
}
