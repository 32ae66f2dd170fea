/**
 * The `forward` plugin's transport: one pooled UDP socket and one persistent TCP connection per
 * upstream, shared by every query of the pod (as forward's connection cache does), each closed after
 * 10 s idle (forward's default `expire`). Queries are multiplexed by a message id of our own, and
 * failures carry the error text Go's net package would (what the `errors` plugin prints).
 */
import dgram from "node:dgram";
import net from "node:net";
import type { ForwardTarget } from "./config";
import { frameTcp, TcpFrameReader } from "./wire";

/** forward's connection expiry: an idle pooled connection is closed after this long. */
const EXPIRE_MS = 10_000;

/** An exchange that failed; `message` is Go's error text, e.g. "read udp 127.60.0.1:41436->10.0.0.2:53: i/o timeout". */
export class UpstreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UpstreamError";
  }
}

interface Pending {
  originalId: number;
  resolve: (bytes: Buffer) => void;
  reject: (err: UpstreamError) => void;
  timer: NodeJS.Timeout;
}

/** What a connection must offer the pool: send one query, and close. */
interface Conn {
  readonly proto: "udp" | "tcp";
  lastUsed: number;
  alive: boolean;
  send(query: Buffer, timeoutMs: number): Promise<Buffer>;
  close(): void;
}

abstract class MultiplexedConn implements Conn {
  abstract readonly proto: "udp" | "tcp";
  lastUsed = Date.now();
  alive = true;
  protected readonly pending = new Map<number, Pending>();
  private nextId = Math.floor(Math.random() * 0xffff);
  protected localPort = 0;

  constructor(
    protected readonly target: ForwardTarget,
    protected readonly localIP: string,
  ) {}

  protected abstract write(bytes: Buffer): void;
  abstract close(): void;

  protected localLabel(): string {
    return `${this.localIP}:${this.localPort}`;
  }

  private allocateId(): number {
    for (let i = 0; i < 0x10000; i++) {
      this.nextId = (this.nextId + 1) & 0xffff;
      if (!this.pending.has(this.nextId)) return this.nextId;
    }
    throw new UpstreamError("too many queries in flight");
  }

  send(query: Buffer, timeoutMs: number): Promise<Buffer> {
    this.lastUsed = Date.now();
    return new Promise((resolve, reject) => {
      const id = this.allocateId();
      const originalId = query.readUInt16BE(0);
      const copy = Buffer.from(query);
      copy.writeUInt16BE(id, 0);
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new UpstreamError(`read ${this.proto} ${this.localLabel()}->${this.target.label}: i/o timeout`),
        );
      }, timeoutMs);
      this.pending.set(id, { originalId, resolve, reject, timer });
      this.write(copy);
    });
  }

  protected deliver(bytes: Buffer): void {
    if (bytes.length < 2) return;
    const id = bytes.readUInt16BE(0);
    const p = this.pending.get(id);
    if (!p) return; // late answer to a query that already timed out
    this.pending.delete(id);
    clearTimeout(p.timer);
    const out = Buffer.from(bytes);
    out.writeUInt16BE(p.originalId, 0);
    p.resolve(out);
  }

  protected failAll(message: string): void {
    this.alive = false;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new UpstreamError(message));
    }
  }
}

class UdpConn extends MultiplexedConn {
  readonly proto = "udp" as const;
  private readonly socket: dgram.Socket;
  private readonly ready: Promise<void>;

  constructor(target: ForwardTarget, localIP: string) {
    super(target, localIP);
    this.socket = dgram.createSocket("udp4");
    this.socket.on("message", (m) => this.deliver(m));
    // A connected UDP socket reports the ICMP port-unreachable of a dead upstream as ECONNREFUSED.
    this.socket.on("error", (err: NodeJS.ErrnoException) => {
      const what = err.code === "ECONNREFUSED" ? "read: connection refused" : err.message;
      this.failAll(`read udp ${this.localLabel()}->${this.target.label}: ${what}`);
      this.close();
    });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once("error", reject);
      this.socket.bind({ address: localIP, port: 0 }, () => {
        this.localPort = this.socket.address().port;
        this.socket.connect(target.port, target.host, () => {
          this.socket.off("error", reject);
          resolve();
        });
      });
    });
    this.ready.catch(() => undefined);
  }

  protected write(bytes: Buffer): void {
    this.ready.then(
      () => {
        if (this.alive) this.socket.send(bytes);
      },
      (err: Error) => this.failAll(`dial udp ${this.target.label}: ${err.message}`),
    );
  }

  close(): void {
    this.alive = false;
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}

class TcpConn extends MultiplexedConn {
  readonly proto = "tcp" as const;
  private readonly socket: net.Socket;
  private readonly frames = new TcpFrameReader();

  constructor(target: ForwardTarget, localIP: string) {
    super(target, localIP);
    this.socket = net.connect({ host: target.host, port: target.port, localAddress: localIP });
    this.socket.setNoDelay(true);
    this.socket.on("connect", () => {
      this.localPort = this.socket.localPort ?? 0;
    });
    this.socket.on("data", (chunk) => {
      for (const m of this.frames.push(chunk)) this.deliver(m);
    });
    this.socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNREFUSED")
        this.failAll(`dial tcp ${this.target.label}: connect: connection refused`);
      else if (err.code === "ECONNRESET")
        this.failAll(`read tcp ${this.localLabel()}->${this.target.label}: read: connection reset by peer`);
      else this.failAll(`read tcp ${this.localLabel()}->${this.target.label}: ${err.message}`);
    });
    this.socket.on("close", () => this.failAll(`read tcp ${this.localLabel()}->${this.target.label}: EOF`));
    this.socket.setTimeout(EXPIRE_MS, () => this.close());
  }

  protected write(bytes: Buffer): void {
    this.socket.write(frameTcp(bytes));
  }

  close(): void {
    this.alive = false;
    this.socket.destroy();
  }
}

/** The pod's pool of upstream connections, keyed by upstream and protocol. */
export class ForwardPool {
  private readonly conns = new Map<string, Conn>();
  private closed = false;

  /** @param localIP the address queries leave from: the node IP (the pod is on the host network). */
  constructor(private readonly localIP: string) {}

  /**
   * Sends one query; resolves with the raw reply (original id restored) and whether a pooled
   * connection was reused. Rejects with UpstreamError.
   */
  async exchange(
    target: ForwardTarget,
    proto: "udp" | "tcp",
    query: Buffer,
    timeoutMs: number,
  ): Promise<{ bytes: Buffer; reused: boolean }> {
    if (this.closed)
      throw new UpstreamError(`dial ${proto} ${target.label}: use of closed network connection`);
    const key = `${proto}|${target.host}:${target.port}`;
    let conn = this.conns.get(key);
    const reused = !!conn && conn.alive && Date.now() - conn.lastUsed < EXPIRE_MS;
    if (!reused) {
      conn?.close();
      conn = proto === "udp" ? new UdpConn(target, this.localIP) : new TcpConn(target, this.localIP);
      this.conns.set(key, conn);
    }
    const bytes = await conn!.send(query, timeoutMs);
    return { bytes, reused };
  }

  close(): void {
    this.closed = true;
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
  }
}
