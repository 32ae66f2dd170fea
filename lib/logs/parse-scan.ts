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
