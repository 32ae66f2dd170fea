/**
 * `pods/portforward` over WebSocket, as client-node's PortForward and the kubelet's websocket
 * port-forward speak it: one TCP connection per requested port, opened at once; bytes relayed on the
 * port's data channel; dial failures reported on its error channel. The WebSocket closes when the
 * pod side closes, so a client reading one HTTP response sees the end of it.
 */
import net from "node:net";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { chooseProtocol, dataFrame, parseClientFrame, portFrame } from "./portforward-frames";

/** Where a pod's container port really listens (kubelet.endpointFor). */
export type PortResolver = (port: number) => { host: string; port: number } | undefined;

export class PortForwarder {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => chooseProtocol(offered) ?? false,
  });

  /** Completes the upgrade and relays `ports`. Call after authentication and authorization. */
  handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    ports: readonly number[],
    resolve: PortResolver,
    podLabel: string,
  ): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => relay(ws, ports, resolve, podLabel));
  }

  /** Closes every open port-forward. */
  close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

function relay(ws: WebSocket, ports: readonly number[], resolve: PortResolver, podLabel: string): void {
  const sockets: (net.Socket | undefined)[] = [];
  let open = ports.length;
  const closeWs = () => {
    if (ws.readyState === ws.OPEN) ws.close(1000);
  };
  ports.forEach((port, i) => {
    ws.send(portFrame(2 * i, port));
    ws.send(portFrame(2 * i + 1, port));
    const target = resolve(port);
    const fail = (why: string) => {
      ws.send(dataFrame(2 * i + 1, `error forwarding port ${port} to pod ${podLabel}: ${why}`));
      if (--open === 0) closeWs();
    };
    if (!target) {
      fail(`failed to connect to localhost:${port} inside namespace: connection refused`);
      return;
    }
    const sock = net.connect({ host: target.host, port: target.port });
    sockets[i] = sock;
    sock.on("data", (chunk: Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(dataFrame(2 * i, chunk));
    });
    sock.on("error", (err: NodeJS.ErrnoException) => {
      sockets[i] = undefined;
      fail(
        `dial tcp4 ${target.host}:${target.port}: ${err.code === "ECONNREFUSED" ? "connect: connection refused" : err.message}`,
      );
    });
    sock.on("end", () => {
      sockets[i] = undefined;
      if (--open === 0) closeWs();
    });
  });
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    const frame = parseClientFrame(isBinary ? data : Buffer.from(data));
    if (frame.kind === "empty" || frame.channel % 2 === 1) return;
    const sock = sockets[frame.channel / 2];
    if (frame.kind === "close") sock?.end();
    else sock?.write(frame.payload);
  });
  ws.on("close", () => {
    for (const s of sockets) s?.destroy();
  });
  ws.on("error", () => {
    for (const s of sockets) s?.destroy();
  });
}
