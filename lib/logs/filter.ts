/**
 * The log viewer's filters, applied on the server so only matching lines cross the network. Pure.
 * The same names are the query parameters of GET /api/logs/stream and the page's URL.
 */
import { RE2JS } from "re2js";
import { z } from "zod";
import type { CorednsLogLine } from "./types";

const list = z
  .string()
  .optional()
  .transform((v) =>
    v
      ? v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  );

export const logFilterSchema = z.object({
  /** Comma-separated node names; empty = all nodes. */
  node: list,
  /**
   * Substring of the query name, or a regular expression written /like this/i in RE2 syntax (linear
   * time whatever the pattern: no backreferences or lookarounds).
   */
  name: z.string().max(500).optional(),
  /** Comma-separated query types: A,AAAA,PTR... */
  type: list,
  /** Comma-separated rcodes: NXDOMAIN,SERVFAIL... ("-" = no response, upstream failed) */
  rcode: list,
  /** Client IP (or IP:port) prefix. */
  client: z.string().max(100).optional(),
  /** Minimum duration in milliseconds. */
  minDuration: z.coerce.number().min(0).optional(),
  /** Only errors: errors-plugin lines, failed or SERVFAIL queries, [ERROR]/[FATAL] lines. */
  errors: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1"),
});

export type LogFilterInput = z.input<typeof logFilterSchema>;
export type LogFilter = z.output<typeof logFilterSchema>;

export interface CompiledLogFilter {
  nodes: ReadonlySet<string> | null;
  /**
   * The filter in canonical form: two streams with the same key match the same lines, so the log
   * hub tests each line once per distinct filter, not once per browser.
   */
  key: string;
  /** True when `matches` is true for every line (no filter but nodes): no need to parse to decide. */
  matchesEvery: boolean;
  matches(line: CorednsLogLine): boolean;
}

/** Build the matcher once per stream; throws a message naming the bad regex. */
export function compileLogFilter(f: LogFilter): CompiledLogFilter {
  const nameTest = compileName(f.name);
  const types = new Set(f.type.map((t) => t.toUpperCase()));
  const rcodes = new Set(f.rcode.map((r) => r.toUpperCase()));
  const client = f.client?.trim() ?? "";
  const minSeconds = (f.minDuration ?? 0) / 1000;
  const queryOnly = nameTest !== null || types.size > 0 || rcodes.size > 0 || client !== "" || minSeconds > 0;
  const nodes = f.node.length ? new Set(f.node) : null;
  return {
    nodes,
    key: JSON.stringify([
      nodes ? [...nodes].sort() : null,
      f.name ?? "",
      [...types].sort(),
      [...rcodes].sort(),
      client,
      minSeconds,
      f.errors,
    ]),
    matchesEvery: !queryOnly && !f.errors,
    matches(line) {
      if (f.errors && !isError(line)) return false;
      switch (line.kind) {
        case "query":
          if (nameTest && !nameTest(line.name)) return false;
          if (types.size && !types.has(line.type.toUpperCase())) return false;
          if (rcodes.size && !rcodes.has(line.rcode ?? "-")) return false;
          if (client && !`${line.clientIp}:${line.clientPort}`.startsWith(client)) return false;
          if (line.durationSeconds < minSeconds) return false;
          return true;
        case "error":
          if (nameTest && !nameTest(line.name)) return false;
          if (types.size && !types.has(line.type.toUpperCase())) return false;
          if (rcodes.size && !rcodes.has(line.rcode)) return false;
          return client === "" && minSeconds === 0;
        default:
          return !queryOnly;
      }
    },
  };
}

export function isError(line: CorednsLogLine): boolean {
  switch (line.kind) {
    case "error":
      return true;
    case "errorSummary":
      return line.level === "ERROR";
    case "query":
      return line.rcode === null || line.rcode === "SERVFAIL" || line.rcode === "REFUSED";
    case "other":
      return line.level === "ERROR" || line.level === "FATAL";
  }
}

const REGEX_FLAGS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  s: RE2JS.DOTALL,
  m: RE2JS.MULTILINE,
  // RE2 matches Unicode code points already.
  u: 0,
};

/**
 * A name filter: a case-insensitive substring, or a /regex/flags run by RE2JS, a linear-time engine
 * (RE2 semantics), so no pattern from a request can take the server's one thread for longer than
 * the name is long. JavaScript's backtracking RegExp is never built from request input.
 */
function compileName(name: string | undefined): ((n: string) => boolean) | null {
  if (!name) return null;
  const re = /^\/(.+)\/([imsu]*)$/.exec(name);
  if (re) {
    let flags = 0;
    for (const c of re[2] as string) flags |= REGEX_FLAGS[c] ?? 0;
    let regex: RE2JS;
    try {
      regex = RE2JS.compile(re[1] as string, flags);
    } catch (err) {
      const reason = (err as Error).message.replace(/^error parsing regexp: /, "");
      throw new Error(
        `name filter ${name} is not a regular expression this filter runs: ${reason}. ` +
          "Filters use RE2 syntax, which runs in linear time: no backreferences (\\1) or lookarounds ((?=…), (?!…)); " +
          "use a plain substring, or rewrite the pattern without them",
      );
    }
    return (n) => regex.test(n);
  }
  const needle = name.toLowerCase();
  return (n) => n.toLowerCase().includes(needle);
}
