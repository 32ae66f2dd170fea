/**
 * Real DNS sockets: a UDP socket and a TCP server on the same address and port, handing each query to
 * a handler and writing its reply back (TCP with the 2-byte length framing).
 */
import dgram from "node:dgram";
import net from "node:net";
import { frameTcp, TcpFrameReader } from "./wire";

/** How the listener hands a query on; resolves with the reply to send, or null for none. */
export type DnsHandler = (
  bytes: Buffer,
  proto: "udp" | "tcp",
  remote: { address: string; port: number },
) => Promise<Buffer | null>;

/** CoreDNS closes an idle TCP connection after a few seconds (miekg's idle timeout is 8 s). */
const TCP_IDLE_MS = 8000;

export interface DnsListener {
  host: string;
  /** The real port (the requested one, or the ephemeral one picked when 0 was asked for). */
  port: number;
  close(): Promise<void>;
}

function bindUdp(
  host: string,
  port: number,
  handler: DnsHandler,
  recvBufferSize: number | undefined,
): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket({ type: "udp4", recvBufferSize });
    // Replies still being computed when the listener closes are dropped, as a stopped server's are.
    let closed = false;
    sock.once("close", () => {
      closed = true;
    });
    sock.once("error", reject);
    sock.bind({ address: host, port, exclusive: true }, () => {
      sock.off("error", reject);
      sock.on("error", () => undefined); // a send to a vanished client must not kill the listener
      sock.on("message", (msg, rinfo) => {
        handler(msg, "udp", { address: rinfo.address, port: rinfo.port }).then(
          (reply) => {
            if (reply && !closed) sock.send(reply, rinfo.port, rinfo.address, () => undefined);
          },
          () => undefined,
        );
      });
      resolve(sock);
    });
  });
}

function listenTcp(host: string, port: number, handler: DnsHandler): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((conn) => {
      const frames = new TcpFrameReader();
      conn.setNoDelay(true);
      conn.setTimeout(TCP_IDLE_MS, () => conn.destroy());
      conn.on("error", () => undefined);
      const remote = { address: conn.remoteAddress ?? "", port: conn.remotePort ?? 0 };
      conn.on("data", (chunk) => {
        for (const msg of frames.push(chunk)) {
          handler(msg, "tcp", remote).then(
            (reply) => {
              if (reply && !conn.destroyed) conn.write(frameTcp(reply));
            },
            () => undefined,
          );
        }
      });
    });
    server.once("error", reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

function closeTcp(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Open client connections would keep close() waiting; a stopped CoreDNS drops them.
    (server as net.Server & { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}

/**
 * Opens UDP and TCP on host:port (port 0: the same ephemeral port for both). `udpRecvBuffer` raises
 * SO_RCVBUF (capped by net.core.rmem_max) for servers that a thousand pods may hit at once.
 */
export async function startDnsListener(
  host: string,
  port: number,
  handler: DnsHandler,
  /** `tcp: false`: UDP only (a socket fewer per listener, for thousands of pods in one process). */
  opts: { udpRecvBuffer?: number; tcp?: boolean } = {},
): Promise<DnsListener> {
  const attempts = port === 0 ? 8 : 1;
  let lastErr: unknown;
  for (let i = 0; i < attempts; i++) {
    const udp = await bindUdp(host, port, handler, opts.udpRecvBuffer);
    const realPort = udp.address().port;
    if (opts.tcp === false)
      return { host, port: realPort, close: () => new Promise<void>((r) => udp.close(() => r())) };
    try {
      const tcp = await listenTcp(host, realPort, handler);
      const sockets = new Set<net.Socket>();
      tcp.on("connection", (s) => {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
      });
      return {
        host,
        port: realPort,
        close: async () => {
          for (const s of sockets) s.destroy();
          await Promise.all([new Promise<void>((r) => udp.close(() => r())), closeTcp(tcp)]);
        },
      };
    } catch (err) {
      lastErr = err;
      await new Promise<void>((r) => udp.close(() => r()));
      if (port !== 0) break; // a fixed port taken over TCP: nothing to retry
    }
  }
  throw lastErr;
}
