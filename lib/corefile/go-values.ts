/**
 * Go's strconv.Atoi and time.ParseDuration, with their exact error texts: CoreDNS passes those
 * errors through unchanged (`plugin/cache: strconv.Atoi: parsing "1k": invalid syntax`).
 */

/** Either the value or the error text Go would return. */
export type GoResult<T> = { ok: true; value: T } | { ok: false; error: string };

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Go's `quote` in the time package / strconv.Quote for plain ASCII. */
function quote(s: string): string {
  return JSON.stringify(s);
}

/** strconv.Atoi on a 64-bit platform. */
export function goAtoi(s: string): GoResult<number> {
  if (!/^[+-]?\d+$/.test(s)) return { ok: false, error: `strconv.Atoi: parsing ${quote(s)}: invalid syntax` };
  const n = BigInt(s);
  if (n > INT64_MAX || n < INT64_MIN) {
    return { ok: false, error: `strconv.Atoi: parsing ${quote(s)}: value out of range` };
  }
  return { ok: true, value: Number(n) };
}

const UNITS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** time.ParseDuration, in seconds. */
export function goParseDuration(orig: string): GoResult<number> {
  let s = orig;
  let neg = false;
  if (s !== "") {
    const c = s[0];
    if (c === "-" || c === "+") {
      neg = c === "-";
      s = s.slice(1);
    }
  }
  if (s === "0") return { ok: true, value: 0 };
  if (s === "") return { ok: false, error: `time: invalid duration ${quote(orig)}` };
  let total = 0;
  while (s !== "") {
    const num = /^(\d*)(\.(\d*))?/.exec(s);
    const intPart = num?.[1] ?? "";
    const frac = num?.[3] ?? "";
    const hasDot = num?.[2] !== undefined;
    if (intPart === "" && frac === "") return { ok: false, error: `time: invalid duration ${quote(orig)}` };
    s = s.slice(num?.[0].length ?? 0);
    const unitMatch = /^[^0-9.]*/.exec(s);
    const unit = unitMatch?.[0] ?? "";
    if (unit === "") return { ok: false, error: `time: missing unit in duration ${quote(orig)}` };
    const scale = UNITS[unit];
    if (scale === undefined) {
      return { ok: false, error: `time: unknown unit ${quote(unit)} in duration ${quote(orig)}` };
    }
    s = s.slice(unit.length);
    total += Number(`${intPart || "0"}${hasDot ? `.${frac || "0"}` : ""}`) * scale;
  }
  return { ok: true, value: neg ? -total : total };
}
