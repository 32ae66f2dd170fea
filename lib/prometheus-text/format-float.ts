/**
 * Go's ways of printing a float64, which expfmt and Prometheus's client libraries use:
 * - `formatGoFloat` is `strconv.FormatFloat(v, 'g', -1, 64)` with Prometheus's `+Inf`: how sample values
 *   are written in exposition text and how expfmt reports `le`/`quantile` label values;
 * - `formatJsonNumber` is how Go's encoding/json writes a float64 (same thresholds as JavaScript, but
 *   keeps the sign of -0).
 */

/** `strconv.FormatFloat(v, 'g', -1, 64)`, with `+Inf`/`-Inf`/`NaN` as the exposition format spells them. */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  // Fast path: integers below 1e6 print the same in Go and JavaScript.
  if (Number.isInteger(v) && v < 1e6 && v > -1e6) return String(v);
  // toExponential() with no argument gives the shortest digits that round-trip, like Go's -1 precision.
  const exp = v.toExponential();
  const ePos = exp.indexOf("e");
  const negative = v < 0;
  const digits = exp.slice(negative ? 1 : 0, ePos).replace(".", "");
  const x = Number(exp.slice(ePos + 1));
  const sign = negative ? "-" : "";
  // With shortest precision Go decides between %e and %f as if the precision were 6
  // (strconv/ftoa.go: "if shortest { eprec = 6 }"), so 1234567 prints as 1.234567e+06.
  if (x < -4 || x >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const absExp = Math.abs(x);
    return `${sign}${mantissa}e${x < 0 ? "-" : "+"}${absExp < 10 ? "0" : ""}${absExp}`;
  }
  if (x < 0) return `${sign}0.${"0".repeat(-x - 1)}${digits}`;
  if (digits.length <= x + 1) return `${sign}${digits}${"0".repeat(x + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, x + 1)}.${digits.slice(x + 1)}`;
}

/** A float64 as Go's encoding/json writes it (finite values only; callers spell NaN/±Inf themselves). */
export function formatJsonNumber(v: number): string {
  return Object.is(v, -0) ? "-0" : String(v);
}
