/**
 * Byte-level reader and writer for DNS messages, including name compression (RFC 1035 §4.1.4):
 * the writer remembers where each name suffix was written and points back to it; the reader follows
 * pointers with a loop guard.
 */
import { DnsWireError } from "./types";

const MAX_POINTER_HOPS = 64;

/** Splits "a.b.c." into ["a", "b", "c"]; "." → []. Escapes are not supported (not needed here). */
export function labelsOf(name: string): string[] {
  if (name === "." || name === "") return [];
  const trimmed = name.endsWith(".") ? name.slice(0, -1) : name;
  const labels = trimmed.split(".");
  for (const l of labels) {
    if (l.length === 0) throw new DnsWireError(`empty label in name ${JSON.stringify(name)}`);
    if (Buffer.byteLength(l) > 63)
      throw new DnsWireError(`label longer than 63 bytes in ${JSON.stringify(name)}`);
  }
  return labels;
}

export class WireWriter {
  private buf: Buffer;
  private len = 0;
  /** Lower-cased suffix → offset of its first occurrence (only offsets < 0x4000 can be pointed to). */
  private readonly names = new Map<string, number>();

  constructor(
    initial = 512,
    private readonly compress = true,
  ) {
    this.buf = Buffer.alloc(initial);
  }

  get length(): number {
    return this.len;
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf.writeUInt8(v & 0xff, this.len);
    this.len += 1;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v & 0xffff, this.len);
    this.len += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.len);
    this.len += 4;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Overwrites a 16-bit value already written (rdlength back-patching). */
  patchU16(offset: number, v: number): void {
    this.buf.writeUInt16BE(v & 0xffff, offset);
  }

  /** Writes a name, compressing against earlier names when allowed (never inside rdata of unknown types). */
  name(name: string, allowCompression = true): void {
    const labels = labelsOf(name);
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join(".").toLowerCase();
      if (this.compress && allowCompression) {
        const at = this.names.get(suffix);
        if (at !== undefined) {
          this.u16(0xc000 | at);
          return;
        }
      }
      if (this.len < 0x4000 && !this.names.has(suffix)) this.names.set(suffix, this.len);
      const label = Buffer.from(labels[i]!, "utf8");
      this.u8(label.length);
      this.bytes(label);
    }
    this.u8(0);
  }

  /** A <character-string>: one length byte then up to 255 bytes. */
  charString(s: string): void {
    const b = Buffer.from(s, "utf8");
    if (b.length > 255) throw new DnsWireError(`character-string longer than 255 bytes`);
    this.u8(b.length);
    this.bytes(b);
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

export class WireReader {
  offset = 0;
  constructor(readonly buf: Uint8Array) {}

  private need(n: number): void {
    if (this.offset + n > this.buf.length)
      throw new DnsWireError(`message truncated at byte ${this.offset} (needed ${n} more)`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.offset++]!;
  }

  u16(): number {
    this.need(2);
    const v = (this.buf[this.offset]! << 8) | this.buf[this.offset + 1]!;
    this.offset += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v =
      ((this.buf[this.offset]! << 24) >>> 0) +
      (this.buf[this.offset + 1]! << 16) +
      (this.buf[this.offset + 2]! << 8) +
      this.buf[this.offset + 3]!;
    this.offset += 4;
    return v;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    // A plain Uint8Array copy, so decoded rdata never aliases (or keeps alive) the packet buffer.
    const out = new Uint8Array(this.buf.subarray(this.offset, this.offset + n));
    this.offset += n;
    return out;
  }

  charString(): string {
    const n = this.u8();
    return Buffer.from(this.bytes(n)).toString("utf8");
  }

  /** Reads a possibly compressed name; returns it absolute ("." for the root). */
  name(): string {
    const labels: string[] = [];
    let pos = this.offset;
    let jumped = false;
    let hops = 0;
    let total = 1;
    for (;;) {
      if (pos >= this.buf.length)
        throw new DnsWireError(`name runs past the end of the message at byte ${pos}`);
      const len = this.buf[pos]!;
      if ((len & 0xc0) === 0xc0) {
        if (pos + 1 >= this.buf.length) throw new DnsWireError(`compression pointer cut off at byte ${pos}`);
        const target = ((len & 0x3f) << 8) | this.buf[pos + 1]!;
        if (!jumped) this.offset = pos + 2;
        jumped = true;
        if (++hops > MAX_POINTER_HOPS) throw new DnsWireError(`compression pointer loop at byte ${pos}`);
        pos = target;
        continue;
      }
      if ((len & 0xc0) !== 0)
        throw new DnsWireError(`unsupported label type 0x${len.toString(16)} at byte ${pos}`);
      if (len === 0) {
        if (!jumped) this.offset = pos + 1;
        break;
      }
      if (pos + 1 + len > this.buf.length)
        throw new DnsWireError(`label runs past the end of the message at byte ${pos}`);
      total += len + 1;
      if (total > 255) throw new DnsWireError(`name longer than 255 bytes`);
      labels.push(Buffer.from(this.buf.subarray(pos + 1, pos + 1 + len)).toString("utf8"));
      pos += 1 + len;
    }
    return labels.length === 0 ? "." : `${labels.join(".")}.`;
  }
}
