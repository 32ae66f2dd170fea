/**
 * How much memory the Corefile's caches may take when full, against the node-cache container's
 * memory limit: the warning an operator needs before raising a capacity OOM-kills DNS on every node
 * (kubernetes/dns#438: four blocks at default capacity, ~240 MB, against a 200Mi limit).
 */
import { effectiveCapacity, describeCorefile, parseCorefile, type CorefileServerBlock } from "@/lib/corefile";
import { formatBytes, parseMemoryBytes } from "./quantity";

/**
 * Bytes one cached response takes, on average. Source: the Kubernetes docs on NodeLocal DNSCache
 * ("Memory Requirements": the default cache size of 10000 entries uses about 30 MB when full),
 * quoted in shared/seeds/002: 30 MB / 10,000 entries = 3,000 bytes.
 */
export const BYTES_PER_CACHE_ENTRY = 3_000;

/** node-cache's own footprint with empty caches (Go runtime, CoreDNS, iptables helpers): ~20 MiB. */
export const BASE_PROCESS_BYTES = 20 * 1024 * 1024;

/** Share of the limit at which the estimate turns "warn" and "danger". */
export const WARN_RATIO = 0.7;
export const DANGER_RATIO = 0.9;

/**
 * Without a limit nothing stops the cache but the node itself; above this the estimate warns
 * (half a GiB of DNS cache is far beyond what node-local-dns needs on any node we know of).
 */
export const UNLIMITED_WARN_BYTES = 512 * 1024 * 1024;

/** One server block's caches when full. */
export interface BlockMemory {
  /** The block's keys as written, e.g. "cluster.local:53". */
  block: string;
  /** Entries each cache really holds (CoreDNS rounds capacity to 256 shards, at least 1024). */
  successEntries: number;
  denialEntries: number;
  /** Cache instances the block runs: 1, or one per key before CoreDNS 1.8.5 (see MemoryOptions). */
  caches: number;
  bytes: number;
}

/** The estimate and how it compares with the container's limit. */
export interface MemoryEstimate {
  perBlock: BlockMemory[];
  /** Base process overhead plus every block's full caches. */
  totalBytes: number;
  /** The container's memory limit in bytes; null when it has none (the upstream manifest sets none). */
  limitBytes: number | null;
  /** totalBytes / limitBytes; null without a limit. */
  ratio: number | null;
  level: "ok" | "warn" | "danger";
  /** One or two sentences for the operator: the numbers, and what to do at warn/danger. */
  message: string;
}

/** Options of the estimate. */
export interface MemoryOptions {
  /**
   * The CoreDNS version the pods run (node-cache 1.22.13 → "1.7.0"). Before 1.8.5 every key of a
   * block ran its own plugin instances, so `in-addr.arpa:53 ip6.arpa:53 { cache }` held two caches;
   * from 1.8.5 the zones of a block share one (coredns/coredns#4593). Default: a current version.
   */
  corednsVersion?: string;
}

/** True for CoreDNS versions before 1.8.5 (one plugin instance per key). */
function instancePerKey(version: string | undefined): boolean {
  if (!version) return false;
  const [major = 0, minor = 0, patch = 0] = version
    .replace(/^v/, "")
    .split(".")
    .map((n) => parseInt(n, 10) || 0);
  return major < 1 || (major === 1 && (minor < 8 || (minor === 8 && patch < 5)));
}

/**
 * Full-cache memory of the described blocks against a memory limit ("200Mi", "1Gi", "512M"; null or
 * undefined = no limit): one cache per server block with a `cache` directive (per key before CoreDNS
 * 1.8.5). Throws QuantityError when the limit is not a quantity.
 */
export function estimateCacheMemory(
  blocks: readonly CorefileServerBlock[],
  memoryLimit?: string | null,
  opts: MemoryOptions = {},
): MemoryEstimate {
  const perKey = instancePerKey(opts.corednsVersion);
  const perBlock = blocks.map((b): BlockMemory => {
    const successEntries = b.cache ? effectiveCapacity(b.cache.success.capacity) : 0;
    const denialEntries = b.cache ? effectiveCapacity(b.cache.denial.capacity) : 0;
    const caches = b.cache ? (perKey ? b.keys.length : 1) : 0;
    return {
      block: b.keys.join(" "),
      successEntries,
      denialEntries,
      caches,
      bytes: caches * (successEntries + denialEntries) * BYTES_PER_CACHE_ENTRY,
    };
  });
  const totalBytes = BASE_PROCESS_BYTES + perBlock.reduce((s, b) => s + b.bytes, 0);
  const limitBytes = memoryLimit === null || memoryLimit === undefined ? null : parseMemoryBytes(memoryLimit);
  const ratio = limitBytes === null ? null : limitBytes > 0 ? totalBytes / limitBytes : Infinity;
  const level =
    ratio === null
      ? totalBytes > UNLIMITED_WARN_BYTES
        ? "warn"
        : "ok"
      : ratio >= DANGER_RATIO
        ? "danger"
        : ratio >= WARN_RATIO
          ? "warn"
          : "ok";
  return {
    perBlock,
    totalBytes,
    limitBytes,
    ratio,
    level,
    message: messageFor(totalBytes, limitBytes, ratio, level),
  };
}

/** The same from Corefile text (parsed leniently, so unknown plugins do not hide the estimate). */
export function estimateCorefileMemory(
  corefile: string,
  memoryLimit?: string | null,
  opts: MemoryOptions = {},
): MemoryEstimate {
  const blocks = describeCorefile(parseCorefile(corefile, { checkDirectives: false }));
  return estimateCacheMemory(blocks, memoryLimit, opts);
}

const ISSUE = "kubernetes/dns#438";

function messageFor(
  total: number,
  limit: number | null,
  ratio: number | null,
  level: MemoryEstimate["level"],
): string {
  const est = `Full caches need about ${formatBytes(total)}`;
  if (limit === null || ratio === null) {
    const base = `${est}; the node-cache container has no memory limit, so nothing but the node bounds it.`;
    return level === "ok"
      ? base
      : `${base} That much DNS cache on every node can starve other pods: lower the capacities, or set a memory limit ` +
          `above the estimate (${ISSUE}).`;
  }
  const pct = `${Math.round(ratio * 100)}% of the ${formatBytes(limit)} limit`;
  switch (level) {
    case "ok":
      return `${est}, ${pct}.`;
    case "warn":
      return (
        `${est}, ${pct}: close to it. Once the caches fill, node-cache may be OOM-killed on every node at once ` +
        `(${ISSUE}); lower the capacities or raise the limit.`
      );
    case "danger":
      return (
        `${est}, ${pct}: node-cache will be OOM-killed when the caches fill, taking DNS down on every node ` +
        `(${ISSUE}). Lower the capacities or raise the DaemonSet's memory limit before applying.`
      );
  }
}
