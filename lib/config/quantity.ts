/**
 * Kubernetes resource quantities ("200Mi", "1Gi", "512M", "1e9", "0.5Gi") as the API server reads
 * them (k8s.io/apimachinery/pkg/api/resource): a signed decimal number and one suffix, binary
 * (Ki…Ei, powers of 1024), decimal SI (n u m "" k M G T P E, powers of 1000) or an exponent (e3, E6).
 */

/** A string that is not a Kubernetes quantity; the message shows what one looks like. */
export class QuantityError extends Error {
  override readonly name = "QuantityError";
}

const BINARY_POWER: Record<string, bigint> = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };
const DECIMAL_POWER: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

// <sign><digits>[.<digits>] or .<digits>, then a suffix; "E" alone is exa, "E3" an exponent.
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE]?)$/;

/** An exact rational value: numerator / denominator (denominator > 0). */
interface Exact {
  num: bigint;
  den: bigint;
}

function parseExact(text: string): Exact {
  const m = QUANTITY.exec(text);
  const [, sign = "", whole = "", frac = "", suffix = ""] = m ?? [];
  if (!m || whole + frac === "") {
    throw new QuantityError(
      `"${text}" is not a Kubernetes quantity: write a number with an optional suffix, e.g. 200Mi, 1Gi, 512M`,
    );
  }
  // Exact arithmetic: "1.1M" must be 1100000 bytes, not the float 1100000.0000000002.
  let num = BigInt(whole + frac || "0") * (sign === "-" ? -1n : 1n);
  let den = 10n ** BigInt(frac.length);
  const binary = BINARY_POWER[suffix];
  if (binary !== undefined) {
    num *= 2n ** binary;
  } else {
    const exp = /^[eE]./.test(suffix) ? Number(suffix.slice(1)) : (DECIMAL_POWER[suffix] ?? 0);
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den *= 10n ** BigInt(-exp);
  }
  return { num, den };
}

/**
 * The quantity's value (fractions kept). Throws QuantityError for anything the API server would
 * refuse, e.g. "200MB", "1 Gi", "1.5.0".
 */
export function parseQuantity(text: string): number {
  const { num, den } = parseExact(text);
  return Number(num) / Number(den);
}

/**
 * A memory quantity in whole bytes, rounded up as Kubernetes does when it needs an integer
 * (`Quantity.Value()`): "100m" of memory is 1 byte, not 0.
 */
export function parseMemoryBytes(text: string): number {
  const { num, den } = parseExact(text);
  const q = num / den; // truncates toward zero
  return Number(num % den === 0n || num < 0n ? q : q + 1n);
}

/** Bytes for people: "200 MiB", "1.5 GiB", "512 B". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const shown = u === 0 || Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1).replace(/\.?0+$/, "");
  return `${shown} ${units[u]}`;
}
