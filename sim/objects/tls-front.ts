/**
 * HTTPS in front of the simulated API server: terminates TLS and relays the bytes to the plain-HTTP
 * server on the same host, so every request, watch stream and WebSocket upgrade passes unchanged.
 * (kubectl sends a kubeconfig token only over https; see self-signed-cert.ts.)
 */
import net from "node:net";
import tls from "node:tls";
import type { SelfSignedCert } from "./self-signed-cert";

export interface TlsFront {
  port: number;
  close(): Promise<void>;
}

export function startTlsFront(opts: {
  host: string;
  port: number;
  backend: { host: string; port: number };
  cert: SelfSignedCert;
}): Promise<TlsFront> {
  const open = new Set<net.Socket>();
  const server = tls.createServer({ key: opts.cert.keyPem, cert: opts.cert.certPem }, (client) => {
    const upstream = net.connect(opts.backend.port, opts.backend.host);
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  // A failed handshake (a client that does not trust the CA) only concerns that client.
  server.on("tlsClientError", () => {});
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of open) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
