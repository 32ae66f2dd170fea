/**
 * Numbers as Prometheus's Go text encoder prints them (`expfmt.writeFloat`): the special cases 0, 1,
 * -1, NaN and ±Inf, otherwise `strconv.FormatFloat(f, 'g', -1, 64)`. That is the shortest digit string
 * that reads back as the same float64, in plain notation when the decimal exponent is in [-4, 6)
 * and in `d.ddde±XX` notation (at least two exponent digits) otherwise: `0.000232824`, `49264`,
 * `4.6176e-05`, `1.779122e+06`, `1.8446744073709552e+19`.
 *
 * JavaScript's `toExponential()` without an argument yields the same shortest round-trip digits as
 * Go's algorithm, so only the layout has to be redone.
 */
export function formatGoFloat(f: number): string {
  if (f === 0) return "0"; // also -0: Go's `f == 0` is true for it
  if (f === 1) return "1";
  if (f === -1) return "-1";
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  // Small integers are by far the most common values (counters); skip the digit juggling for them.
  if (Number.isInteger(f) && f > -1e6 && f < 1e6) return String(f);

  const negative = f < 0;
  const [mantissa, expText] = Math.abs(f).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const exp = Number(expText);
  const sign = negative ? "-" : "";

  if (exp < -4 || exp >= 6) {
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const expAbs = Math.abs(exp);
    return `${sign}${digits[0]}${rest}e${exp < 0 ? "-" : "+"}${expAbs < 10 ? "0" : ""}${expAbs}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${"0".repeat(intLen - digits.length)}`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}
