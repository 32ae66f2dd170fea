/**
 * The Logs page's filter, run in the browser on the lines already on screen — the very matching code
 * the server runs (lib/logs/filter.ts, with its RE2 name regexes), so a line the server would not send
 * under a filter is not shown under it either. Pure.
 */
// First: it must run before lib/logs/filter.ts builds its zod schema.
import "./zod-jitless";
import { compileLogFilter, logFilterSchema, type CompiledLogFilter, type LogFilter } from "@/lib/logs/filter";
import type { LogRow } from "@/lib/logs/summary";

/** A filter ready to run on rows: the parsed filter (for comparing), and its matcher. */
export interface ViewFilter {
  filter: LogFilter;
  compiled: CompiledLogFilter;
  /** The node list is the hub's job on the server; here it is part of the match. */
  matchesRow(row: Pick<LogRow, "node" | "line">): boolean;
}

/** The filter the URL's values ask for, or the message the server would answer 400 with. */
export function viewFilterOf(
  values: Readonly<Record<string, string | undefined>>,
): ViewFilter | { error: string } {
  const parsed = logFilterSchema.safeParse(values);
  if (!parsed.success) return { error: parsed.error.issues.map((i) => i.message).join("; ") };
  let compiled: CompiledLogFilter;
  try {
    compiled = compileLogFilter(parsed.data);
  } catch (err) {
    return { error: (err as Error).message };
  }
  const nodes = compiled.nodes;
  return {
    filter: parsed.data,
    compiled,
    matchesRow: (row) => (nodes === null || nodes.has(row.node)) && compiled.matches(row.line),
  };
}

const upper = (xs: readonly string[]) => new Set(xs.map((x) => x.toUpperCase()));
const isSubset = (a: ReadonlySet<string>, b: ReadonlySet<string>) => [...a].every((x) => b.has(x));

/**
 * True when every line `next` matches, `prev` matches too: then the lines kept under `prev` are all
 * the lines there are for `next`. Conservative — false means "maybe wider" (two regexes are only
 * known to agree when they are the same text). Field by field, because every field narrows on its own
 * (see compileLogFilter: a line must pass every field that is set).
 */
export function isNarrowerOrEqual(next: LogFilter, prev: LogFilter): boolean {
  if (prev.node.length && !(next.node.length && isSubset(new Set(next.node), new Set(prev.node))))
    return false;
  if (prev.name) {
    if (!next.name) return false;
    const regex = (s: string) => /^\/(.+)\/([imsu]*)$/.test(s);
    if (regex(prev.name) || regex(next.name)) {
      if (next.name !== prev.name) return false;
    } else if (!next.name.toLowerCase().includes(prev.name.toLowerCase())) return false;
  }
  for (const k of ["type", "rcode"] as const) {
    if (prev[k].length && !(next[k].length && isSubset(upper(next[k]), upper(prev[k])))) return false;
  }
  const prevClient = prev.client?.trim() ?? "";
  if (prevClient && !(next.client?.trim() ?? "").startsWith(prevClient)) return false;
  if ((next.minDuration ?? 0) < (prev.minDuration ?? 0)) return false;
  if (prev.errors && !next.errors) return false;
  return true;
}
