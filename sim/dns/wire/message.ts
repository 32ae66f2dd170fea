/**
 * Whole-message encode/decode, with EDNS0 (RFC 6891) kept out of the record sections and
 * miekg/dns-style truncation for UDP replies larger than the client's buffer.
 */
import { WireReader, WireWriter } from "./buffer";
import { readRdata, writeRdata } from "./rdata";
import {
  CLASS_IN,
  DnsWireError,
  RRType,
  type DnsMessage,
  type DnsQuestion,
  type DnsRecord,
  type Edns,
} from "./types";

/** Largest DNS message (TCP's 2-byte length). */
export const MAX_MESSAGE_SIZE = 65535;
/** What a UDP client without EDNS can receive (RFC 1035). */
export const MIN_UDP_SIZE = 512;

function writeRecord(w: WireWriter, rr: DnsRecord): void {
  w.name(rr.name);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl);
  const lenAt = w.length;
  w.u16(0);
  const start = w.length;
  writeRdata(w, rr.type, rr.data);
  w.patchU16(lenAt, w.length - start);
}

function writeOpt(w: WireWriter, edns: Edns, rcode: number): void {
  w.u8(0); // root name
  w.u16(RRType.OPT);
  w.u16(edns.udpSize);
  const ext = (rcode >> 4) & 0xff || edns.extendedRcode;
  w.u32(((ext & 0xff) << 24) | ((edns.version & 0xff) << 16) | (edns.do ? 0x8000 : 0));
  const lenAt = w.length;
  w.u16(0);
  const start = w.length;
  for (const o of edns.options) {
    w.u16(o.code);
    w.u16(o.data.length);
    w.bytes(o.data);
  }
  w.patchU16(lenAt, w.length - start);
}

function encodeSections(
  m: DnsMessage,
  answers: DnsRecord[],
  authorities: DnsRecord[],
  additionals: DnsRecord[],
  tc: boolean,
): Buffer {
  const w = new WireWriter(512);
  w.u16(m.id);
  const flags =
    (m.qr ? 0x8000 : 0) |
    ((m.opcode & 0xf) << 11) |
    (m.aa ? 0x0400 : 0) |
    (tc ? 0x0200 : 0) |
    (m.rd ? 0x0100 : 0) |
    (m.ra ? 0x0080 : 0) |
    (m.z ? 0x0040 : 0) |
    (m.ad ? 0x0020 : 0) |
    (m.cd ? 0x0010 : 0) |
    (m.rcode & 0xf);
  w.u16(flags);
  w.u16(m.questions.length);
  w.u16(answers.length);
  w.u16(authorities.length);
  w.u16(additionals.length + (m.edns ? 1 : 0));
  for (const q of m.questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const rr of answers) writeRecord(w, rr);
  for (const rr of authorities) writeRecord(w, rr);
  for (const rr of additionals) writeRecord(w, rr);
  if (m.edns) writeOpt(w, m.edns, m.rcode);
  return w.finish();
}

/** Encodes a message exactly as given (TC as set in `m.tc`). */
export function encodeMessage(m: DnsMessage): Buffer {
  return encodeSections(m, m.answers, m.authorities, m.additionals, m.tc);
}

/**
 * Encodes a reply so that it fits `maxSize` bytes: drops additional, then authority, then answer
 * records from the end until it fits, and sets TC when answers had to go (what miekg's Truncate does,
 * so a resolver retries over TCP). The OPT record is always kept.
 */
export function encodeMessageWithin(m: DnsMessage, maxSize: number): { bytes: Buffer; truncated: boolean } {
  const full = encodeMessage(m);
  if (full.length <= maxSize) return { bytes: full, truncated: false };
  const extra = m.additionals.slice();
  const ns = m.authorities.slice();
  const an = m.answers.slice();
  for (;;) {
    if (extra.length) extra.pop();
    else if (ns.length) ns.pop();
    else if (an.length) an.pop();
    const tc = an.length < m.answers.length || (an.length === 0 && ns.length === 0 && extra.length === 0);
    const bytes = encodeSections(m, an, ns, extra, m.tc || tc);
    if (bytes.length <= maxSize || (an.length === 0 && ns.length === 0 && extra.length === 0))
      return { bytes, truncated: true };
  }
}

/** The largest reply a client can take over `proto`, from its EDNS buffer size (CoreDNS's `state.Size()`). */
export function clientBufferSize(req: DnsMessage, proto: "udp" | "tcp"): number {
  if (proto === "tcp") return MAX_MESSAGE_SIZE;
  if (!req.edns) return MIN_UDP_SIZE;
  return Math.max(req.edns.udpSize, MIN_UDP_SIZE);
}

function readRecordHeader(r: WireReader): {
  name: string;
  type: number;
  klass: number;
  ttl: number;
  rdlength: number;
} {
  const name = r.name();
  const type = r.u16();
  const klass = r.u16();
  const ttl = r.u32();
  const rdlength = r.u16();
  return { name, type, klass, ttl, rdlength };
}

/** Decodes a wire message; throws DnsWireError for anything malformed. */
export function decodeMessage(buf: Uint8Array): DnsMessage {
  if (buf.length < 12)
    throw new DnsWireError(`message is ${buf.length} bytes, shorter than the 12-byte header`);
  const r = new WireReader(buf);
  const id = r.u16();
  const flags = r.u16();
  const qd = r.u16();
  const an = r.u16();
  const ns = r.u16();
  const ar = r.u16();
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < qd; i++) questions.push({ name: r.name(), type: r.u16(), class: r.u16() });
  const section = (n: number): DnsRecord[] => {
    const out: DnsRecord[] = [];
    for (let i = 0; i < n; i++) {
      const h = readRecordHeader(r);
      out.push({
        name: h.name,
        type: h.type,
        class: h.klass,
        ttl: h.ttl,
        data: readRdata(r, h.type, h.rdlength),
      });
    }
    return out;
  };
  const answers = section(an);
  const authorities = section(ns);
  const additionals: DnsRecord[] = [];
  let edns: Edns | null = null;
  for (let i = 0; i < ar; i++) {
    const h = readRecordHeader(r);
    if (h.type === RRType.OPT) {
      if (edns) throw new DnsWireError("more than one OPT record");
      const end = r.offset + h.rdlength;
      const options: Edns["options"] = [];
      while (r.offset < end) {
        const code = r.u16();
        const len = r.u16();
        options.push({ code, data: r.bytes(len) });
      }
      edns = {
        udpSize: h.klass,
        extendedRcode: h.ttl >>> 24,
        version: (h.ttl >>> 16) & 0xff,
        do: (h.ttl & 0x8000) !== 0,
        options,
      };
      continue;
    }
    additionals.push({
      name: h.name,
      type: h.type,
      class: h.klass,
      ttl: h.ttl,
      data: readRdata(r, h.type, h.rdlength),
    });
  }
  return {
    id,
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    z: (flags & 0x0040) !== 0,
    ad: (flags & 0x0020) !== 0,
    cd: (flags & 0x0010) !== 0,
    rcode: (flags & 0xf) | ((edns?.extendedRcode ?? 0) << 4),
    questions,
    answers,
    authorities,
    additionals,
    edns,
  };
}

/** Builds a recursive query, optionally with EDNS0 (as `dig` does: 1232 bytes, DO when asked). */
export function buildQuery(opts: {
  id: number;
  name: string;
  type: number;
  rd?: boolean;
  edns?: { udpSize: number; do: boolean } | null;
}): DnsMessage {
  return {
    id: opts.id,
    qr: false,
    opcode: 0,
    aa: false,
    tc: false,
    rd: opts.rd ?? true,
    ra: false,
    z: false,
    ad: false,
    cd: false,
    rcode: 0,
    questions: [{ name: opts.name, type: opts.type, class: CLASS_IN }],
    answers: [],
    authorities: [],
    additionals: [],
    edns: opts.edns
      ? { udpSize: opts.edns.udpSize, do: opts.edns.do, extendedRcode: 0, version: 0, options: [] }
      : null,
  };
}
