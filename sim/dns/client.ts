/**
 * A small real DNS client (stub resolver side): one query over UDP or TCP, a fresh socket each time as
 * glibc does. Used by the simulated client traffic, the loop plugin's self-probe, tests and scripts.
 */
import dgram from "node:dgram";
import net from "node:net";
import {
  buildQuery,
  decodeMessage,
  encodeMessage,
  frameTcp,
  rcodeName,
  TcpFrameReader,
  typeCode,
  type DnsMessage,
} from "./wire";

export interface QueryOnceOptions {
  host: string;
  port: number;
  /** Absolute or relative; a missing trailing dot is added (no search list here). */
  name: string;
  /** "A", "AAAA", "PTR", ... or a number. */
  type: string | number;
  proto?: "udp" | "tcp";
  timeoutMs?: number;
  /** EDNS0 OPT to send (as `dig` does by default: 1232 bytes); null/omitted = none, like glibc. */
  edns?: { udpSize: number; do: boolean } | null;
  /** Source address to send from (e.g. a pod's IP stand-in); default chosen by the kernel. */
  localAddress?: string;
  /** Query id; random by default. */
  id?: number;
}

export interface QueryResult {
  message: DnsMessage;
  /** "NOERROR", "NXDOMAIN", ... */
  rcode: string;
  /** Size of the reply in bytes. */
  size: number;
}

/** A query that got no usable answer; the message says which server and why. */
export class DnsQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DnsQueryError";
  }
}

function encodeQuery(opts: QueryOnceOptions): { bytes: Buffer; id: number } {
  const type = typeof opts.type === "number" ? opts.type : typeCode(opts.type);
  if (type === undefined)
    throw new DnsQueryError(
      `unknown query type ${JSON.stringify(opts.type)}: use A, AAAA, PTR, SRV, MX, TXT, SOA, NS, CNAME or a number`,
    );
  const id = opts.id ?? Math.floor(Math.random() * 0x10000);
  const name = opts.name.endsWith(".") ? opts.name : `${opts.name}.`;
  return { bytes: encodeMessage(buildQuery({ id, name, type, edns: opts.edns ?? null })), id };
}

function overUdp(opts: QueryOnceOptions, query: Buffer, id: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket("udp4");
    const done = (err: Error | null, bytes?: Buffer) => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(bytes!);
    };
    const timer = setTimeout(
      () =>
        done(new DnsQueryError(`no answer from ${opts.host}:${opts.port} over udp within ${timeoutMs} ms`)),
      timeoutMs,
    );
    sock.on("error", (err) => done(new DnsQueryError(`udp ${opts.host}:${opts.port}: ${err.message}`)));
    sock.on("message", (msg) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === id) done(null, msg);
    });
    sock.bind({ address: opts.localAddress, port: 0 }, () => {
      sock.connect(opts.port, opts.host, () => sock.send(query));
    });
  });
}

function overTcp(opts: QueryOnceOptions, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: opts.host, port: opts.port, localAddress: opts.localAddress });
    const frames = new TcpFrameReader();
    const done = (err: Error | null, bytes?: Buffer) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(bytes!);
    };
    const timer = setTimeout(
      () =>
        done(new DnsQueryError(`no answer from ${opts.host}:${opts.port} over tcp within ${timeoutMs} ms`)),
      timeoutMs,
    );
    sock.on("connect", () => sock.write(frameTcp(query)));
    sock.on("data", (chunk) => {
      const [first] = frames.push(chunk);
      if (first) done(null, first);
    });
    sock.on("error", (err) => done(new DnsQueryError(`tcp ${opts.host}:${opts.port}: ${err.message}`)));
    sock.on("close", () =>
      done(new DnsQueryError(`tcp ${opts.host}:${opts.port}: connection closed before an answer`)),
    );
  });
}

/** Sends one query and waits for its answer. Rejects with DnsQueryError on timeout or socket error. */
export async function queryOnce(opts: QueryOnceOptions): Promise<QueryResult> {
  const { bytes, id } = encodeQuery(opts);
  const timeoutMs = opts.timeoutMs ?? 3000;
  const raw =
    (opts.proto ?? "udp") === "tcp"
      ? await overTcp(opts, bytes, timeoutMs)
      : await overUdp(opts, bytes, id, timeoutMs);
  const message = decodeMessage(raw);
  return { message, rcode: rcodeName(message.rcode), size: raw.length };
}
