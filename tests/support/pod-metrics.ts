/** Read a simulated pod's own counters straight from its /metrics text, and the dashboard's rounded counts. */

/** The pod's cache hits and misses (requests − hits), summed over server blocks and cache types. */
export async function podCounters(metricsUrl: string): Promise<{ hits: number; misses: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const sum = (family: string) =>
    text
      .split("\n")
      .filter((l) => l.startsWith(`${family}{`) || l.startsWith(`${family} `))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
  const hits = sum("coredns_cache_hits_total");
  return { hits, misses: sum("coredns_cache_requests_total") - hits };
}

/**
 * The number a `formatCount` cell shows ("1,234", "12.3k", "4.56M") and how far the true count may be
 * from it through rounding. Throws on anything else, so a changed format fails loudly instead of
 * reading as NaN.
 */
export function readCount(text: string): { value: number; slack: number } {
  const t = text.trim();
  if (/^\d{1,3}(,\d{3})*$/.test(t)) return { value: Number(t.replace(/,/g, "")), slack: 0.5 };
  const m = /^(\d+)(?:\.(\d+))?([kMGT])$/.exec(t);
  if (!m) throw new Error(`not a count: ${JSON.stringify(text)}`);
  const unit = 1000 ** ("kMGT".indexOf(m[3]!) + 1);
  const decimals = m[2]?.length ?? 0;
  return { value: Number(`${m[1]}.${m[2] ?? "0"}`) * unit, slack: (unit / 10 ** decimals) * 0.5 };
}
