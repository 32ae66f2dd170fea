/**
 * Bit streams for the compressed history (counter-history.ts): a growable writer and a reader, and
 * the per-series value code — delta-of-delta of integers in a few prefix-coded sizes, as Gorilla
 * (Facebook's TSDB paper, and Prometheus's chunks) codes timestamps, with a raw 64-bit escape for
 * anything that is not a safe integer (NaN for "absent", fractions).
 */

export class BitWriter {
  private buf: Uint8Array;
  /** Bits written so far. */
  length = 0;

  constructor(initialBytes = 64) {
    this.buf = new Uint8Array(initialBytes);
  }

  /** Appends the low `n` bits of `value` (0 ≤ value < 2^n, n ≤ 53), most significant first. */
  write(value: number, n: number): void {
    const need = (this.length + n + 7) >> 3;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf);
      this.buf = grown;
    }
    for (let i = n - 1; i >= 0; i--) {
      // Arithmetic, not `>>`: values can be wider than JavaScript's 32-bit shifts.
      const bit = Math.floor(value / 2 ** i) % 2;
      if (bit) this.buf[this.length >> 3]! |= 0x80 >> (this.length & 7);
      this.length++;
    }
  }

  /** The bytes written, trimmed to size (a copy). */
  bytes(): Uint8Array {
    return this.buf.slice(0, (this.length + 7) >> 3);
  }

  /** Bytes held, spare capacity included. */
  get capacityBytes(): number {
    return this.buf.byteLength;
  }
}

export class BitReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  read(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const bit = ((this.buf[this.pos >> 3] ?? 0) >> (7 - (this.pos & 7))) & 1;
      v = v * 2 + bit;
      this.pos++;
    }
    return v;
  }
}

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

function writeRaw(w: BitWriter, v: number): void {
  f64[0] = v;
  for (let i = 0; i < 8; i++) w.write(f64Bytes[i] as number, 8);
}

function readRaw(r: BitReader): number {
  for (let i = 0; i < 8; i++) f64Bytes[i] = r.read(8);
  return f64[0] as number;
}

/** Prefix-coded sizes of a zigzagged delta-of-delta: `0` is "same delta"; then 10, 110, 1110, 11110 + bits. */
const SIZES = [6, 13, 20, 32] as const;
const LIMIT = 2 ** 50;

const isCodable = (v: number) => Number.isInteger(v) && Math.abs(v) <= LIMIT;

/**
 * One series' encoder/decoder state: the previous value and the previous delta. Both sides update
 * it the same way, so a stream decodes to exactly the values written (NaN and -0 included).
 */
export class DeltaState {
  prev = 0;
  prevDelta = 0;

  encode(w: BitWriter, v: number): void {
    if (isCodable(v) && isCodable(this.prev) && !Object.is(v, -0)) {
      const delta = v - this.prev;
      const dod = delta - this.prevDelta;
      if (dod === 0) {
        w.write(0, 1);
        this.prev = v;
        return;
      }
      const z = dod >= 0 ? dod * 2 : -dod * 2 - 1;
      for (let k = 0; k < SIZES.length; k++) {
        const bits = SIZES[k] as number;
        if (z < 2 ** bits) {
          // k+1 ones then a zero, then the value.
          w.write(2 ** (k + 2) - 2, k + 2);
          w.write(z, bits);
          this.prev = v;
          this.prevDelta = delta;
          return;
        }
      }
    }
    w.write(31, 5);
    writeRaw(w, v);
    // `+ 0`: a delta of -0 would make the next same-delta step add up to -0 instead of 0.
    this.prevDelta = isCodable(v) && isCodable(this.prev) ? v - this.prev + 0 : 0;
    this.prev = v;
  }

  decode(r: BitReader): number {
    let ones = 0;
    while (ones < 5 && r.read(1) === 1) ones++;
    if (ones === 0) {
      this.prev += this.prevDelta;
      return this.prev;
    }
    if (ones === 5) {
      const v = readRaw(r);
      this.prevDelta = isCodable(v) && isCodable(this.prev) ? v - this.prev + 0 : 0;
      this.prev = v;
      return v;
    }
    const z = r.read(SIZES[ones - 1] as number);
    const dod = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    this.prevDelta += dod;
    this.prev += this.prevDelta;
    return this.prev;
  }
}
