/** Encoding and decoding of the rdata of each record type the simulation uses. */
import { WireReader, WireWriter } from "./buffer";
import { DnsWireError, RRType, type RecordData } from "./types";

function ipv4Bytes(address: string): number[] {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new DnsWireError(`not an IPv4 address: ${JSON.stringify(address)}`);
  }
  return parts;
}

function ipv6Bytes(address: string): number[] {
  const halves = address.split("::");
  if (halves.length > 2) throw new DnsWireError(`not an IPv6 address: ${JSON.stringify(address)}`);
  const groups = (s: string | undefined): number[] => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...new Array<number>(fill).fill(0), ...tail];
  if (all.length !== 8 || all.some((g) => Number.isNaN(g) || g < 0 || g > 0xffff)) {
    throw new DnsWireError(`not an IPv6 address: ${JSON.stringify(address)}`);
  }
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** RFC 5952 text form: lower case, longest run of zero groups (2+) collapsed to "::". */
export function formatIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

export function writeRdata(w: WireWriter, type: number, data: RecordData): void {
  switch (data.kind) {
    case "A":
      w.bytes(Uint8Array.from(ipv4Bytes(data.address)));
      return;
    case "AAAA":
      w.bytes(Uint8Array.from(ipv6Bytes(data.address)));
      return;
    case "NS":
    case "CNAME":
    case "PTR":
      w.name(data.target);
      return;
    case "MX":
      w.u16(data.preference);
      w.name(data.exchange);
      return;
    case "SRV":
      // RFC 2782: the SRV target must not be compressed.
      w.u16(data.priority);
      w.u16(data.weight);
      w.u16(data.port);
      w.name(data.target, false);
      return;
    case "TXT":
      for (const t of data.texts.length ? data.texts : [""]) w.charString(t);
      return;
    case "HINFO":
      w.charString(data.cpu);
      w.charString(data.os);
      return;
    case "SOA":
      w.name(data.mname);
      w.name(data.rname);
      w.u32(data.serial);
      w.u32(data.refresh);
      w.u32(data.retry);
      w.u32(data.expire);
      w.u32(data.minimum);
      return;
    case "raw":
      w.bytes(data.bytes);
      return;
    default: {
      const never: never = data;
      throw new DnsWireError(`cannot encode rdata of type ${type}: ${JSON.stringify(never)}`);
    }
  }
}

/** Decodes `rdlength` bytes at the reader's position; the reader ends exactly after the rdata. */
export function readRdata(r: WireReader, type: number, rdlength: number): RecordData {
  const end = r.offset + rdlength;
  let data: RecordData;
  switch (type) {
    case RRType.A: {
      const b = r.bytes(4);
      data = { kind: "A", address: Array.from(b).join(".") };
      break;
    }
    case RRType.AAAA:
      data = { kind: "AAAA", address: formatIpv6(r.bytes(16)) };
      break;
    case RRType.NS:
      data = { kind: "NS", target: r.name() };
      break;
    case RRType.CNAME:
      data = { kind: "CNAME", target: r.name() };
      break;
    case RRType.PTR:
      data = { kind: "PTR", target: r.name() };
      break;
    case RRType.MX:
      data = { kind: "MX", preference: r.u16(), exchange: r.name() };
      break;
    case RRType.SRV:
      data = { kind: "SRV", priority: r.u16(), weight: r.u16(), port: r.u16(), target: r.name() };
      break;
    case RRType.TXT: {
      const texts: string[] = [];
      while (r.offset < end) texts.push(r.charString());
      data = { kind: "TXT", texts };
      break;
    }
    case RRType.HINFO:
      data = { kind: "HINFO", cpu: r.charString(), os: r.charString() };
      break;
    case RRType.SOA:
      data = {
        kind: "SOA",
        mname: r.name(),
        rname: r.name(),
        serial: r.u32(),
        refresh: r.u32(),
        retry: r.u32(),
        expire: r.u32(),
        minimum: r.u32(),
      };
      break;
    default:
      data = { kind: "raw", bytes: r.bytes(rdlength) };
  }
  if (r.offset !== end)
    throw new DnsWireError(
      `rdata of type ${type} is ${rdlength} bytes but decoded ${rdlength + r.offset - end}`,
    );
  return data;
}
