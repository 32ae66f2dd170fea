/** DNS over TCP framing (RFC 1035 §4.2.2): every message is preceded by its 2-byte length. */
import { DnsWireError } from "./types";

export function frameTcp(message: Uint8Array): Buffer {
  if (message.length > 0xffff)
    throw new DnsWireError(`message of ${message.length} bytes does not fit a TCP frame`);
  const out = Buffer.alloc(message.length + 2);
  out.writeUInt16BE(message.length, 0);
  out.set(message, 2);
  return out;
}

/** Reassembles messages from a TCP byte stream that may split or merge frames arbitrarily. */
export class TcpFrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds bytes in; returns every complete message now available, in order. */
  push(chunk: Uint8Array): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk);
    const out: Buffer[] = [];
    while (this.pending.length >= 2) {
      const len = this.pending.readUInt16BE(0);
      if (this.pending.length < 2 + len) break;
      out.push(this.pending.subarray(2, 2 + len));
      this.pending = this.pending.subarray(2 + len);
    }
    return out;
  }

  /** Bytes received that do not yet form a whole message. */
  get buffered(): number {
    return this.pending.length;
  }
}
