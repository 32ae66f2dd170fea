/**
 * The column encodings of the overview's compact wire form (lib/overview/wire.ts). Pure, shared by the
 * server (encode) and the browser (decode). Every column of a table is one JSON string or a small
 * dictionary, so 5,000 rows cost a few bytes per cell instead of a JSON object per row:
 *
 * - **tokens**: values joined by `,`; a run of one token is written once as `token*count`.
 *   The token `~` means "unchanged" (in a refresh, beside cells that did change).
 * - **numbers**: the shortest text `Number()` reads back to the same double (`.5`, `123e6`);
 *   the empty token is null.
 * - **names** (node and pod names: DNS names, never `,` `:` `*` `~`): front-coded — each name is
 *   the length of the prefix it shares with the previous name, `:`, and the rest (`8:4` after
 *   `node-1233` is `node-1234`); a bare `rest` shares as much as the previous entry did (at first:
 *   nothing). The empty entry is null; `~` (or `~*count`) unchanged.
 * - **dictionaries**: the distinct values once (`v`, any JSON) and a token column of indexes (`i`).
 */

/** A cell a refresh leaves as the browser has it. */
export const UNCHANGED = Symbol("unchanged");
export type Unchanged = typeof UNCHANGED;

const UNCHANGED_TOKEN = "~";

/** Tokens joined by `,`, runs written once with `*count`. Tokens must not contain `,` or `*`. */
export function encodeTokens(tokens: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < tokens.length;) {
    const t = tokens[i] as string;
    let j = i + 1;
    while (j < tokens.length && tokens[j] === t) j++;
    out.push(j - i > 1 ? `${t}*${j - i}` : t);
    i = j;
  }
  return out.join(",");
}

/** The `count` tokens of an encoded column; a column that does not hold exactly `count` is refused. */
export function decodeTokens(column: string, count: number): string[] {
  if (count === 0) {
    if (column !== "") throw new WireError(`a column of 0 rows holds "${column.slice(0, 40)}"`);
    return [];
  }
  const out: string[] = [];
  for (const part of column.split(",")) {
    const star = part.lastIndexOf("*");
    if (star < 0) {
      out.push(part);
      continue;
    }
    const n = Number(part.slice(star + 1));
    if (!Number.isInteger(n) || n < 2) throw new WireError(`bad run "${part}"`);
    const t = part.slice(0, star);
    for (let k = 0; k < n; k++) out.push(t);
  }
  if (out.length !== count) throw new WireError(`a column holds ${out.length} cells for ${count} rows`);
  return out;
}

/** The shortest text that `Number()` reads back as exactly `n`. */
export function numberToken(n: number): string {
  const s = String(n);
  if (Number.isInteger(n) && !s.includes("e")) {
    const m = /0{3,}$/.exec(s);
    return m ? `${s.slice(0, m.index)}e${m[0].length}` : s;
  }
  if (s.startsWith("0.")) return s.slice(1);
  if (s.startsWith("-0.")) return `-${s.slice(2)}`;
  return s;
}

export function encodeNumbers(values: readonly (number | null | Unchanged)[]): string {
  return encodeTokens(
    values.map((v) => (v === UNCHANGED ? UNCHANGED_TOKEN : v === null ? "" : numberToken(v))),
  );
}

export function decodeNumbers(column: string, count: number): (number | null | Unchanged)[] {
  return decodeTokens(column, count).map((t) => {
    if (t === UNCHANGED_TOKEN) return UNCHANGED;
    if (t === "") return null;
    const n = Number(t);
    if (Number.isNaN(n) && t !== "NaN") throw new WireError(`"${t}" is not a number`);
    return n;
  });
}

export function encodeBooleans(values: readonly (boolean | Unchanged)[]): string {
  return encodeTokens(values.map((v) => (v === UNCHANGED ? UNCHANGED_TOKEN : v ? "1" : "0")));
}

export function decodeBooleans(column: string, count: number): (boolean | Unchanged)[] {
  return decodeTokens(column, count).map((t) => {
    if (t === UNCHANGED_TOKEN) return UNCHANGED;
    if (t === "1") return true;
    if (t === "0") return false;
    throw new WireError(`"${t}" is not a boolean`);
  });
}

/** Names (never empty, never containing `,` `:` `*` `~`), front-coded against the previous name. */
export function encodeNames(values: readonly (string | null | Unchanged)[]): string {
  const out: string[] = [];
  let prev = "";
  let prevP = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k] as string | null | Unchanged;
    if (v === UNCHANGED) {
      let run = 1;
      while (values[k + 1] === UNCHANGED) {
        run++;
        k++;
      }
      out.push(run > 1 ? `${UNCHANGED_TOKEN}*${run}` : UNCHANGED_TOKEN);
    } else if (v === null) out.push("");
    else {
      let p = 0;
      const max = Math.min(prev.length, v.length);
      while (p < max && prev.charCodeAt(p) === v.charCodeAt(p)) p++;
      // Keep at least one character after the prefix, so an entry is never empty (empty is null).
      if (p === v.length) p--;
      const rest = v.slice(p);
      out.push(p === prevP ? rest : `${p}:${rest}`);
      prevP = p;
      prev = v;
    }
  }
  return out.join(",");
}

export function decodeNames(column: string, count: number): (string | null | Unchanged)[] {
  if (count === 0) {
    if (column !== "") throw new WireError(`a name column of 0 rows holds "${column.slice(0, 40)}"`);
    return [];
  }
  let prev = "";
  let prevP = 0;
  const out: (string | null | Unchanged)[] = [];
  for (const e of column.split(",")) {
    if (e.startsWith(`${UNCHANGED_TOKEN}*`)) {
      const run = Number(e.slice(2));
      if (!Number.isInteger(run) || run < 2) throw new WireError(`bad run "${e}"`);
      for (let k = 0; k < run; k++) out.push(UNCHANGED);
      continue;
    }
    if (e === UNCHANGED_TOKEN) {
      out.push(UNCHANGED);
      continue;
    }
    if (e === "") {
      out.push(null);
      continue;
    }
    const colon = e.indexOf(":");
    const p = colon < 0 ? prevP : Number(e.slice(0, colon));
    if (colon === 0 || !Number.isInteger(p) || p < 0 || p > prev.length) {
      throw new WireError(`bad name entry "${e}"`);
    }
    prevP = p;
    prev = prev.slice(0, p) + e.slice(colon + 1);
    out.push(prev);
  }
  if (out.length !== count) throw new WireError(`a name column holds ${out.length} names for ${count} rows`);
  return out;
}

/** A value's identity in a dictionary: by value (JSON), strings and null without serialising. */
export function dictKey(x: unknown): string {
  return typeof x === "string" ? `s${x}` : x === null ? "n" : JSON.stringify(x);
}

/** Distinct values once, and each cell as an index into them. */
export interface DictColumn<T> {
  v: T[];
  i: string;
}

export function encodeDict<T>(values: readonly (T | Unchanged)[]): DictColumn<T> {
  const index = new Map<string, number>();
  const v: T[] = [];
  const tokens = values.map((x) => {
    if (x === UNCHANGED) return UNCHANGED_TOKEN;
    const key = dictKey(x);
    let at = index.get(key);
    if (at === undefined) {
      at = v.length;
      index.set(key, at);
      v.push(x);
    }
    return String(at);
  });
  return { v, i: encodeTokens(tokens) };
}

export function decodeDict<T>(column: DictColumn<T>, count: number): (T | Unchanged)[] {
  return decodeTokens(column.i, count).map((t) => {
    if (t === UNCHANGED_TOKEN) return UNCHANGED;
    const at = Number(t);
    if (!Number.isInteger(at) || at < 0 || at >= column.v.length) throw new WireError(`bad index "${t}"`);
    return column.v[at] as T;
  });
}

/** A compact answer that does not decode: the browser drops its state and asks for a full load. */
export class WireError extends Error {
  constructor(message: string) {
    super(`the compact overview answer does not decode: ${message}`);
    this.name = "WireError";
  }
}
