/**
 * TLS for the simulated API server. kubectl (client-go's clientcmd) only sends credentials over TLS:
 * against a plain-HTTP server it sends no token at all. So the server also speaks TLS on the same
 * port, with a self-signed certificate made at start-up for its address; the kubeconfig for kubectl
 * carries it as `certificate-authority-data`, exactly like a real cluster's.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import type { Server } from "node:http";

/** A PEM certificate and its private key. */
export interface ServingCert {
  cert: string;
  key: string;
}

/**
 * Makes a self-signed serving certificate for `host` (plus the usual in-cluster names) with the
 * `openssl` CLI. Returns undefined when openssl is missing; the server then speaks plain HTTP only.
 */
export function selfSignedCert(host: string): ServingCert | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-apiserver-"));
  try {
    const keyFile = path.join(dir, "key.pem");
    const certFile = path.join(dir, "cert.pem");
    const san = [
      net.isIP(host) ? `IP:${host}` : `DNS:${host}`,
      "DNS:kubernetes",
      "DNS:kubernetes.default",
      "DNS:kubernetes.default.svc",
      "DNS:kubernetes.default.svc.cluster.local",
      "DNS:localhost",
      "IP:10.96.0.1",
    ].join(",");
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "3650", "-subj", "/CN=kube-apiserver", "-addext", `subjectAltName=${san}`, "-keyout", keyFile, "-out", certFile],
      { stdio: "ignore" },
    );
    return { cert: fs.readFileSync(certFile, "utf8"), key: fs.readFileSync(keyFile, "utf8") };
  } catch {
    return undefined;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One listening socket for both protocols: a TLS ClientHello starts with byte 0x16, anything else is
 * plain HTTP. Each connection is handed to the matching server.
 */
export function dualProtocolListener(plain: Server, secure: Server | undefined): { listener: net.Server; destroyConnections: () => void } {
  const sockets = new Set<net.Socket>();
  const listener = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.once("data", (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      const target = secure && first[0] === 0x16 ? secure : plain;
      target.emit("connection", socket);
      process.nextTick(() => socket.resume());
    });
    socket.on("error", () => socket.destroy());
  });
  return { listener, destroyConnections: () => sockets.forEach((s) => s.destroy()) };
}
