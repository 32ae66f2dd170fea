/**
 * The DNS message model shared by the simulated pod, the simulated upstreams and the traffic client.
 * Numbers follow RFC 1035 / 6891; names are kept as written, absolute (trailing dot), root = ".".
 */

import { RCODE_NAMES } from "../../../lib/logs/parse-error";

/** Record types the simulation understands; anything else is carried as raw rdata. */
export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  PTR: 12,
  ANY: 255,
} as const;
export type RRTypeName = keyof typeof RRType;

export const CLASS_IN = 1;

/** Response codes, with the names miekg/dns (and so CoreDNS's metrics and logs) print. */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
} as const;

/** miekg/dns RcodeToString (the table is shared with the log parser); unknown codes print as a number, as CoreDNS's replacer does. */
export function rcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? String(rcode);
}

const TYPE_NAMES = new Map<number, string>(Object.entries(RRType).map(([k, v]) => [v, k]));
TYPE_NAMES.set(43, "DS");
TYPE_NAMES.set(46, "RRSIG");
TYPE_NAMES.set(47, "NSEC");
TYPE_NAMES.set(48, "DNSKEY");
TYPE_NAMES.set(50, "NSEC3");
TYPE_NAMES.set(65, "HTTPS");
TYPE_NAMES.set(251, "IXFR");
TYPE_NAMES.set(252, "AXFR");

/** "A", "AAAA", ...; unknown types print as `TYPE<n>` like miekg/dns. */
export function typeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `TYPE${type}`;
}

/** Inverse of typeName for the names we know; undefined otherwise. */
export function typeCode(name: string): number | undefined {
  const upper = name.toUpperCase();
  for (const [code, n] of TYPE_NAMES) if (n === upper) return code;
  const m = /^TYPE(\d+)$/.exec(upper);
  return m ? Number(m[1]) : undefined;
}

/** Typed rdata for the record types the simulation serves; `raw` keeps anything else byte-exact. */
export type RecordData =
  | { kind: "A"; address: string }
  | { kind: "AAAA"; address: string }
  | { kind: "NS" | "CNAME" | "PTR"; target: string }
  | { kind: "MX"; preference: number; exchange: string }
  | { kind: "SRV"; priority: number; weight: number; port: number; target: string }
  | { kind: "TXT"; texts: string[] }
  | { kind: "HINFO"; cpu: string; os: string }
  | {
      kind: "SOA";
      mname: string;
      rname: string;
      serial: number;
      refresh: number;
      retry: number;
      expire: number;
      minimum: number;
    }
  | { kind: "raw"; bytes: Uint8Array };

/** One resource record (never OPT: EDNS lives in `DnsMessage.edns`). */
export interface DnsRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: RecordData;
}

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

/** The EDNS0 OPT pseudo-record, decoded. */
export interface Edns {
  /** Requestor's UDP payload size (values under 512 are treated as 512 by servers). */
  udpSize: number;
  /** DNSSEC OK bit. */
  do: boolean;
  /** Upper 8 bits of the 12-bit rcode. */
  extendedRcode: number;
  version: number;
  /** Options, kept raw (code + data). */
  options: { code: number; data: Uint8Array }[];
}

export interface DnsMessage {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  /** The Z bit (reserved); kept so a decode/encode round trip is exact. */
  z: boolean;
  ad: boolean;
  cd: boolean;
  /** The low 4 bits of the rcode; see `Edns.extendedRcode` for the rest. */
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
  edns: Edns | null;
}

/** An empty message with every flag off; spread over it to build queries and replies. */
export function emptyMessage(id = 0): DnsMessage {
  return {
    id,
    qr: false,
    opcode: 0,
    aa: false,
    tc: false,
    rd: false,
    ra: false,
    z: false,
    ad: false,
    cd: false,
    rcode: 0,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
    edns: null,
  };
}

/** A reply skeleton for `req` the way miekg's SetReply builds it: same id, opcode, rd, cd and question. */
export function replyTo(req: DnsMessage): DnsMessage {
  return {
    ...emptyMessage(req.id),
    qr: true,
    opcode: req.opcode,
    rd: req.rd,
    cd: req.cd,
    questions: req.questions.slice(0, 1),
  };
}

/** Response flags in the order CoreDNS's `{>rflags}` prints them: qr,aa,tc,rd,ra,z,ad,cd. */
export function flagsString(m: DnsMessage): string {
  const out: string[] = [];
  if (m.qr) out.push("qr");
  if (m.aa) out.push("aa");
  if (m.tc) out.push("tc");
  if (m.rd) out.push("rd");
  if (m.ra) out.push("ra");
  if (m.z) out.push("z");
  if (m.ad) out.push("ad");
  if (m.cd) out.push("cd");
  return out.join(",");
}

/** Lower-cased, absolute form of a name: the key used for zone matching and caching. */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  if (lower === "" || lower === ".") return ".";
  return lower.endsWith(".") ? lower : `${lower}.`;
}

/** Thrown for a message that cannot be decoded; the server answers FORMERR or drops it. */
export class DnsWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DnsWireError";
  }
}
