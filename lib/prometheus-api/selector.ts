/**
 * The operator's series selector (DASHBOARD_PROMETHEUS_SELECTOR, e.g. `{job=~".*node-local-dns.*"}`)
 * and the PromQL durations the dashboard writes. Pure.
 */

/** A validated `{…}` selector's matchers, without the braces ("" for `{}`). */
export type SelectorMatchers = string & { readonly __selector: unique symbol };

/**
 * Check a selector written as `{matcher, …}`: braces, quoted values closed, no metric name (every query
 * puts its own). Throws an Error saying what is wrong.
 */
export function parseSelector(text: string): SelectorMatchers {
  const s = text.trim();
  if (!s.startsWith("{") || !s.endsWith("}"))
    throw new Error(
      `must be a label selector in braces, like {job=~".*node-local-dns.*"}; got ${s || "nothing"}`,
    );
  const inner = s.slice(1, -1).trim();
  let quote: string | null = null;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "{" || c === "}") throw new Error(`unexpected "${c}" inside the selector ${s}`);
  }
  if (quote) throw new Error(`unterminated quoted value in the selector ${s}`);
  if (inner !== "" && !/^[A-Za-z_][A-Za-z0-9_]*\s*(=~|!~|!=|=)/.test(inner))
    throw new Error(`must start with a label matcher such as job="…"; got ${s}`);
  return inner.replace(/,\s*$/, "") as SelectorMatchers;
}

/** `metric{<selector>, <extra…>}`; `metric` alone when there is nothing to match. */
export function series(metric: string, selector: SelectorMatchers, extra: readonly string[] = []): string {
  const matchers = [selector, ...extra].filter((m) => m !== "");
  return matchers.length ? `${metric}{${matchers.join(", ")}}` : metric;
}

/** Seconds as a PromQL duration (`90s`, `2m`, `1h`). */
export function promDuration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/** Parse `30s`, `2m`, `1h`, `1m30s`, `500ms` into seconds; throws on anything else. */
export function parseDurationSeconds(text: string): number {
  const t = text.trim();
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t))) {
    const n = Number(m[1]);
    total +=
      m[2] === "ms"
        ? n / 1000
        : m[2] === "s"
          ? n
          : m[2] === "m"
            ? n * 60
            : m[2] === "h"
              ? n * 3600
              : n * 86400;
    matched = re.lastIndex;
  }
  if (t === "" || matched !== t.length || total <= 0)
    throw new Error(`"${text}" is not a duration like 30s, 2m or 1h`);
  return total;
}
