/**
 * The simulated upstream DNS servers node-local-dns forwards to: the cluster DNS (kube-dns behind the
 * kube-dns-upstream Service) and the node's VPC resolver from /etc/resolv.conf. Both serve real UDP
 * and TCP on loopback, with a little latency so the latency histograms have a shape.
 */
import { startDnsListener, type DnsListener } from "./transport";
import { answerClusterQuery, answerExternalQuery, type ClusterService } from "./upstream-zones";
import { clientBufferSize, decodeMessage, encodeMessageWithin, type DnsMessage } from "./wire";

export type { ClusterService } from "./upstream-zones";

/** A running simulated upstream. */
export interface SimUpstream {
  host: string;
  /** The real port (useful when 0 was asked for). */
  port: number;
  /** Queries answered so far. */
  queries(): number;
  stop(): Promise<void>;
}

export interface SimClusterDns extends SimUpstream {
  /** Replaces the Services it answers for (the cluster's Service list changed). */
  setServices(services: ClusterService[]): void;
}

function delay(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  // Sub-millisecond latency: yield once rather than wait a whole timer tick.
  if (ms < 1) return new Promise((r) => setImmediate(r));
  return new Promise((r) => setTimeout(r, ms));
}

async function serve(
  host: string,
  port: number,
  latency: () => number,
  answer: (req: DnsMessage) => DnsMessage,
): Promise<{ listener: DnsListener; count: () => number }> {
  let count = 0;
  const listener = await startDnsListener(
    host,
    port,
    async (bytes, proto) => {
      let req: DnsMessage;
      try {
        req = decodeMessage(bytes);
      } catch {
        return null;
      }
      if (req.qr || req.questions.length !== 1) return null;
      count++;
      await delay(latency());
      const reply = answer(req);
      const withEdns: DnsMessage = {
        ...reply,
        edns: req.edns ? { udpSize: 1232, do: req.edns.do, extendedRcode: 0, version: 0, options: [] } : null,
      };
      return encodeMessageWithin(withEdns, clientBufferSize(req, proto)).bytes;
      // Every simulated node forwards here: a large receive buffer keeps a start of 1,000 pods (each
      // sending its loop probe at once) from overflowing the default ~200 KiB.
    },
    { udpRecvBuffer: 4 * 1024 * 1024 },
  );
  return { listener, count: () => count };
}

/** kube-dns: authoritative for `domain` and the reverse zones, answers from `services`. */
export async function startClusterDns(opts: {
  host: string;
  port: number;
  domain?: string;
  services: ClusterService[];
  latencyMs?: number;
}): Promise<SimClusterDns> {
  let services = opts.services.slice();
  const domain = opts.domain ?? "cluster.local";
  const base = opts.latencyMs ?? 0.3;
  const { listener, count } = await serve(
    opts.host,
    opts.port,
    () => base * (0.5 + Math.random()),
    (req) => answerClusterQuery(req, domain, services),
  );
  return {
    host: listener.host,
    port: listener.port,
    queries: count,
    setServices: (s) => {
      services = s.slice();
    },
    stop: () => listener.close(),
  };
}

/** The node's resolver (a cloud VPC resolver): recursive, knows a fixed table of internet names. */
export async function startExternalResolver(opts: {
  host: string;
  port: number;
  latencyMs?: number;
}): Promise<SimUpstream> {
  const base = opts.latencyMs ?? 4;
  const { listener, count } = await serve(
    opts.host,
    opts.port,
    () => base * (0.5 + Math.random()),
    answerExternalQuery,
  );
  return { host: listener.host, port: listener.port, queries: count, stop: () => listener.close() };
}
