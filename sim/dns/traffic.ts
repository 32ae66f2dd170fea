/**
 * Simulated client pods: real DNS lookups against each node's cache, shaped like glibc's resolver
 * with the resolv.conf the kubelet writes (`nameserver 10.96.0.10`, `search default.svc.cluster.local
 * svc.cluster.local cluster.local ec2.internal`, `options ndots:5`): a name with fewer than 5 dots
 * tries every search suffix first (NXDOMAIN each) before the name itself, A and AAAA in parallel.
 * Most lookups go to the kube-dns address (iptables NOTRACK hands them to the local cache), some to
 * the link-local one. One timer drives every node.
 */
import { queryOnce, type QueryOnceOptions, type QueryResult } from "./client";

export { queryOnce } from "./client";

/** One node's cache, at both of its addresses. */
export interface TrafficTarget {
  nodeName: string;
  linkLocal: { host: string; port: number };
  /** Absent in IPVS mode (the cache binds only the link-local address): every lookup goes there. */
  kubeDns?: { host: string; port: number };
  /**
   * Loopback addresses standing in for the node's client pods' IPs, used as query sources so the
   * `log` lines and upstream see several clients (see `clientPodAddresses`); default: the kernel's pick.
   */
  clientIPs?: string[];
}

/**
 * `count` client-pod stand-in addresses for node `index` of the cluster at address base `base`. The
 * 127.(base+3) octet holds only the API server and the upstreams (127.(base+3).0.x), so clients live
 * at 127.(base+3).(100 + index % 150).(1..count): distinct per node for up to 150 nodes.
 */
export function clientPodAddresses(base: number, index: number, count = 8): string[] {
  return Array.from({ length: count }, (_, i) => `127.${base + 3}.${100 + (index % 150)}.${i + 1}`);
}

export interface TrafficOptions {
  targets: TrafficTarget[];
  /** DNS queries per second per node (search-path expansions count). */
  qps: number;
  /** Names pods look up, as written in their code (relative or absolute); default: a cluster + internet mix. */
  names?: string[];
  /** Services pods look up as `<svc>.<ns>` and `<svc>.<ns>.svc.cluster.local`. */
  services?: { name: string; namespace: string }[];
  /** The pods' search list; default the kubelet's for namespace `default` plus `ec2.internal`. */
  search?: string[];
  /** Share of lookups over TCP (default 0.05) and to the link-local address (default 0.2). */
  tcpShare?: number;
  linkLocalShare?: number;
  rng?: () => number;
}

export interface Traffic {
  stop(): Promise<void>;
  /** Queries sent so far, every node together. */
  sent(): number;
  /** Queries that got no answer (timeouts, refused). */
  failed(): number;
}

const DEFAULT_SEARCH = ["default.svc.cluster.local", "svc.cluster.local", "cluster.local", "ec2.internal"];
const NDOTS = 5;
const TICK_MS = 100;

const EXTERNAL = [
  "example.com",
  "registry.k8s.io",
  "api.github.com",
  "github.com",
  "s3.amazonaws.com",
  "www.google.com",
  "pypi.org",
  "sts.amazonaws.com",
  "registry.npmjs.org",
  "hooks.slack.com",
  "example.org",
  "objects.githubusercontent.com",
];
const MISSES = ["nonexistent.invalid", "metadata.google.internal", "db-primary"];

/** Candidate absolute names glibc tries for `name`, in order. */
export function searchCandidates(name: string, search: string[], ndots = NDOTS): string[] {
  if (name.endsWith(".")) return [name];
  const dots = name.split(".").length - 1;
  const expanded = search.map((s) => `${name}.${s}.`);
  return dots >= ndots ? [`${name}.`, ...expanded] : [...expanded, `${name}.`];
}

function defaultNames(services: { name: string; namespace: string }[]): string[] {
  const svcNames = services.flatMap((s) => [
    `${s.name}.${s.namespace}`,
    `${s.name}.${s.namespace}.svc.cluster.local`,
  ]);
  // Weighting by repetition: cluster names dominate, as in a real cluster; a few misses.
  return [
    "kubernetes.default",
    "kubernetes.default",
    "kube-dns.kube-system",
    ...svcNames,
    ...svcNames,
    ...EXTERNAL,
    ...MISSES,
  ];
}

export function startTraffic(opts: TrafficOptions): Traffic {
  const rng = opts.rng ?? Math.random;
  const search = opts.search ?? DEFAULT_SEARCH;
  const names = opts.names?.length ? opts.names : defaultNames(opts.services ?? []);
  const tcpShare = opts.tcpShare ?? 0.05;
  const linkLocalShare = opts.linkLocalShare ?? 0.2;
  let sent = 0;
  let failed = 0;
  let stopped = false;
  const inflight = new Set<Promise<void>>();
  const credits = new Map<string, number>(opts.targets.map((t) => [t.nodeName, 0]));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

  async function ask(q: QueryOnceOptions): Promise<QueryResult | null> {
    sent++;
    try {
      return await queryOnce(q);
    } catch {
      failed++;
      return null;
    }
  }

  /** One getaddrinfo(): returns how many queries it sent. */
  async function lookup(target: TrafficTarget, candidates: string[]): Promise<number> {
    const server = !target.kubeDns || rng() < linkLocalShare ? target.linkLocal : target.kubeDns;
    const proto = rng() < tcpShare ? "tcp" : "udp";
    const localAddress = target.clientIPs?.length ? pick(target.clientIPs) : undefined;
    let used = 0;
    for (const candidate of candidates) {
      if (stopped) break;
      const base = {
        host: server.host,
        port: server.port,
        name: candidate,
        proto,
        localAddress,
        timeoutMs: 2000,
      } as const;
      used += 2;
      const [a, aaaa] = await Promise.all([ask({ ...base, type: "A" }), ask({ ...base, type: "AAAA" })]);
      // glibc stops at the first candidate that exists (NOERROR, with or without data).
      if ((a && a.rcode !== "NXDOMAIN") || (aaaa && aaaa.rcode !== "NXDOMAIN")) break;
    }
    return used;
  }

  const timer = setInterval(() => {
    for (const t of opts.targets) {
      // Credit accrues at qps; each lookup reserves its worst case and refunds what it did not send.
      // At most one second's worth is banked, so a slow node does not get a burst afterwards.
      let c = Math.min((credits.get(t.nodeName) ?? 0) + (opts.qps * TICK_MS) / 1000, Math.max(opts.qps, 2));
      while (c > 0 && !stopped) {
        const candidates = searchCandidates(pick(names), search);
        const reserved = 2 * candidates.length;
        c -= reserved;
        const p: Promise<void> = lookup(t, candidates).then((used) => {
          credits.set(t.nodeName, (credits.get(t.nodeName) ?? 0) + reserved - used);
          inflight.delete(p);
        });
        inflight.add(p);
      }
      credits.set(t.nodeName, c);
    }
  }, TICK_MS);
  timer.unref?.();

  return {
    sent: () => sent,
    failed: () => failed,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await Promise.allSettled([...inflight]);
    },
  };
}
