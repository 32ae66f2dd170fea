import "server-only";
/**
 * The WebSocket under client-node's PortForward, opened so that a refused upgrade says why.
 *
 * client-node's own handler lets `ws` turn a non-101 answer into "Unexpected server response: 500",
 * dropping the API server's Status body — which is where the reason is ("error dialing backend: dial
 * tcp 10.0.0.7:10250: connect: connection refused" when the kubelet is unreachable, a Forbidden naming
 * the missing RBAC verb, a pod that is gone). This handler reads that body and rejects with its
 * message; everything else (the channel framing, the subprotocols offered) is what client-node does.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { statusBodyMessage } from "@/lib/errors";
import type { IncomingMessage } from "node:http";
import WebSocket from "ws";

/** Offered in client-node's order; kubelets pick v4 for port-forward. */
const PROTOCOLS = [
  "v5.channel.k8s.io",
  "v4.channel.k8s.io",
  "v3.channel.k8s.io",
  "v2.channel.k8s.io",
  "channel.k8s.io",
];

/** How much of a refusal's body is read for its reason. */
const MAX_REASON_BYTES = 16 * 1024;

/** Thrown when the API server answers the upgrade with something other than 101. */
export class PortForwardRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "PortForwardRefused";
  }
}

/** "API server answered <status>: <its Status message>" for a refused upgrade. */
function refusalReason(status: number, body: string): string {
  const reason = statusBodyMessage(body.trim(), 300);
  return reason ? `API server answered ${status}: ${reason}` : `API server answered ${status}`;
}

type BinaryHandler = (stream: number, data: Buffer) => boolean;

/** What PortForward calls on the handler it is given (client-node's WebSocketHandler shape). */
export class ReasonedWebSocketHandler {
  constructor(private readonly kc: KubeConfig) {}

  async connect(
    path: string,
    _textHandler: ((text: string) => boolean) | null,
    binaryHandler: BinaryHandler | null,
  ): Promise<WebSocket> {
    const server = this.kc.getCurrentCluster()?.server;
    if (!server) throw new Error("the kubeconfig has no API server");
    const uri = server.replace(/^http/, "ws").replace(/\/$/, "") + path;
    const opts: WebSocket.ClientOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    return new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(uri, PROTOCOLS, opts);
      let opened = false;
      ws.on("unexpected-response", (_req, res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          reject(
            new PortForwardRefused(
              res.statusCode ?? 0,
              refusalReason(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8")),
            ),
          );
          res.destroy();
          ws.terminate();
        };
        res.on("data", (c: Buffer) => {
          if (size < MAX_REASON_BYTES) chunks.push(c);
          size += c.length;
        });
        res.on("end", done);
        res.on("error", done);
      });
      ws.on("open", () => {
        opened = true;
        resolve(ws);
      });
      ws.on("error", (err) => {
        if (!opened) reject(err);
      });
      ws.on("message", (data: Buffer, isBinary: boolean) => {
        if (!isBinary || !binaryHandler || data.length === 0) return;
        if (!binaryHandler(data.readUInt8(0), data.subarray(1))) ws.close();
      });
    });
  }
}
