/**
 * Where `npm run demo` can put the simulated cluster and the dashboard on a machine that may already
 * run another demo, a test run or a resolver: probes the fixed addresses and ports a simulated cluster
 * binds (sim/addresses.ts's plan) before starting one, instead of dying with EADDRINUSE halfway.
 */
import dgram from "node:dgram";
import net from "node:net";
import { apiServerHost, nodeAddresses, upstreamHosts } from "../sim/addresses";

/** The health plugin's port (node-local-dns listens on <link-local>:8080). */
const HEALTH_PORT = 8080;

export interface RangeNeeds {
  nodes: number;
  /** 0 = ephemeral (nothing fixed to probe). */
  dnsPort: number;
  metricsPort: number;
  apiPort: number;
}

function tcpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket("udp4");
    sock.once("error", () => {
      sock.close();
      resolve(false);
    });
    sock.bind({ address: host, port, exclusive: true }, () => sock.close(() => resolve(true)));
  });
}

/** The first fixed address:port the cluster on 127.base–base+3 would need that is taken, or null. */
export async function rangeConflict(base: number, needs: RangeNeeds): Promise<string | null> {
  const tcp: [string, number][] = [[apiServerHost(base), needs.apiPort]];
  const udp: [string, number][] = [];
  const dnsHosts = Object.values(upstreamHosts(base));
  for (let i = 0; i < needs.nodes; i++) {
    const a = nodeAddresses(base, i);
    // The pod IP is used only by pods off the host network (--mode cilium-lrp); checking it always is cheap.
    tcp.push([a.nodeIP, needs.metricsPort], [a.linkLocal, HEALTH_PORT], [a.podIP, needs.metricsPort]);
    dnsHosts.push(a.linkLocal, a.kubeDns, a.podIP);
  }
  if (needs.dnsPort !== 0) {
    for (const h of dnsHosts) {
      tcp.push([h, needs.dnsPort]);
      udp.push([h, needs.dnsPort]);
    }
  }
  for (const [h, p] of tcp) if (!(await tcpFree(h, p))) return `${h}:${p} (tcp)`;
  for (const [h, p] of udp) if (!(await udpFree(h, p))) return `${h}:${p} (udp)`;
  return null;
}

/** Candidate second octets, 4 apart (a cluster takes 127.base–127.base+3), from `start`. */
export function candidateBases(start: number): number[] {
  const out: number[] = [];
  for (let b = start; b + 3 <= 255; b += 4) out.push(b);
  return out;
}

/** The first base from `start` whose range is free, or null. */
export async function firstFreeBase(start: number, needs: RangeNeeds): Promise<number | null> {
  for (const b of candidateBases(start)) if ((await rangeConflict(b, needs)) === null) return b;
  return null;
}

/** `preferred` if free on `host`, else the next free one within 20, else an ephemeral one. */
export async function freePortNear(host: string, preferred: number): Promise<number> {
  for (let p = preferred; p < preferred + 20 && p <= 65535; p++) if (await tcpFree(host, p)) return p;
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export { tcpFree };
