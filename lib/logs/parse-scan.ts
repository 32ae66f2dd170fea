/** Small character scanners shared by the log-line parsers; they avoid regexes on the hot path. */

/** Index just past the run of ASCII digits that starts at `from` (equal to `from` when there is none). */
export function digitsEnd(s: string, from: number): number {
  let i = from;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  return i;
}

/**
 * The number written in s[from, to), which holds only ASCII digits: summed digit by digit when that
 * is exact (up to 15 digits), without the substring `Number()` would need; `Number()` beyond.
 */
export function digitsValue(s: string, from: number, to: number): number {
  if (to - from > 15) return Number(s.slice(from, to));
  let v = 0;
  for (let i = from; i < to; i++) v = v * 10 + (s.charCodeAt(i) - 48);
  return v;
}
