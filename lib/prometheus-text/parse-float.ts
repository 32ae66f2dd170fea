/**
 * Number syntax exactly as expfmt accepts it: Go's `strconv.ParseFloat` minus the hex form (expfmt
 * rejects `p`/`P`/`_`), so `1`, `-1.5`, `.5`, `5.`, `1e-05`, `1.5E+06`, `NaN`, `+Inf`, `-infinity` are
 * numbers and `0x1A`, `1_000`, `1e400` (overflow), `+NaN`, `""` are not. JavaScript's `Number()` is
 * far more lenient (`""` → 0, `"0x1A"` → 26, `" 1 "` → 1), so we check the grammar ourselves first.
 */

// Powers of ten that are exact doubles; m / 10^k with m < 2^53 and k ≤ 22 rounds correctly.
const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;

/**
 * Reads `src[start, end)` as a Go float. Returns `null` when the text is not a number expfmt accepts.
 * Plain decimals with at most 15 significant digits and no exponent (nearly every CoreDNS value) are
 * computed without building a substring.
 */
export function scanGoFloat(src: string, start: number, end: number): number | null {
  let i = start;
  let negative = false;
  let c = src.charCodeAt(i);
  if (c === PLUS || c === MINUS) {
    negative = c === MINUS;
    c = src.charCodeAt(++i);
  }
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  let seenDot = false;
  for (; i < end; c = src.charCodeAt(++i)) {
    if (c >= DIGIT_0 && c <= DIGIT_9) {
      mantissa = mantissa * 10 + (c - DIGIT_0);
      digits++;
      if (seenDot) fractionDigits++;
    } else if (c === DOT && !seenDot) {
      seenDot = true;
    } else {
      break;
    }
  }
  if (i === end && digits > 0 && digits <= 15) {
    const v = fractionDigits === 0 ? mantissa : mantissa / (POW10[fractionDigits] as number);
    return negative ? -v : v;
  }
  return parseGoFloat(src.slice(start, end));
}

function skipDigits(text: string, from: number): number {
  let i = from;
  for (let c = text.charCodeAt(i); c >= DIGIT_0 && c <= DIGIT_9; c = text.charCodeAt(++i));
  return i;
}

/** Parses a whole token as a Go float (see the file comment); `null` when expfmt would reject it. */
export function parseGoFloat(text: string): number | null {
  const n = text.length;
  let i = 0;
  let c = text.charCodeAt(0);
  const signed = c === PLUS || c === MINUS;
  if (signed) c = text.charCodeAt(++i);
  // Letters: only inf, infinity (any case, optional sign) and nan (any case, no sign).
  if (c === 105 || c === 73 || c === 110 || c === 78) {
    const word = text.slice(i).toLowerCase();
    if (word === "inf" || word === "infinity") return text.charCodeAt(0) === MINUS ? -Infinity : Infinity;
    if (word === "nan" && !signed) return NaN;
    return null;
  }
  const intStart = i;
  i = skipDigits(text, i);
  let mantissaDigits = i - intStart;
  if (i < n && text.charCodeAt(i) === DOT) {
    const fracStart = i + 1;
    i = skipDigits(text, fracStart);
    mantissaDigits += i - fracStart;
  }
  if (mantissaDigits === 0) return null;
  if (i < n && (text.charCodeAt(i) | 0x20) === 101 /* e or E */) {
    i++;
    if (i < n && (text.charCodeAt(i) === PLUS || text.charCodeAt(i) === MINUS)) i++;
    const expStart = i;
    i = skipDigits(text, i);
    if (i === expStart) return null;
  }
  if (i !== n) return null;
  const v = Number(text);
  // Go reports overflow to ±Inf as a range error, which expfmt turns into a parse error.
  return Number.isFinite(v) ? v : null;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Parses a token as Go's `strconv.ParseInt(s, 10, 64)` would; `null` if invalid or out of int64 range. */
export function parseGoInt64(text: string): number | null {
  const n = text.length;
  let i = 0;
  const c0 = text.charCodeAt(0);
  if (c0 === PLUS || c0 === MINUS) i++;
  if (i === n) return null;
  for (let j = i; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c < DIGIT_0 || c > DIGIT_9) return null;
  }
  if (n - i >= 19) {
    const big = BigInt(text.charCodeAt(0) === PLUS ? text.slice(1) : text);
    if (big > INT64_MAX || big < INT64_MIN) return null;
  }
  return Number(text) + 0; // "-0" is the timestamp 0
}
