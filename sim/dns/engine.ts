/**
 * One running CoreDNS configuration: the plugin chain of node-local-dns (prometheus → errors → log →
 * cache → loop → forward) for every server block, fed raw queries by the listeners. A reload builds
 * a new engine (fresh caches), as CoreDNS builds new plugin instances.
 */
import type { CorednsVersion } from "../runtime";
import { classifyResponse, DnsCache } from "./cache";
import {
  nameInZone,
  routeQuery,
  type ForwardTarget,
  type BlockConfig,
  type ListenerConfig,
  type PodConfig,
} from "./config";
import { ForwardPool, UpstreamError } from "./forward";
import type { UpstreamHealth } from "./forward-health";
import { formatErrorsLine, formatLogTemplate } from "./log-format";
import type { CorednsMetrics, Proto } from "./metrics";
import {
  clientBufferSize,
  decodeMessage,
  encodeMessageWithin,
  Rcode,
  rcodeName,
  replyTo,
  typeName,
  type DnsMessage,
} from "./wire";

/** forward's overall deadline for one query (defaultTimeout), and what one upstream attempt may take. */
const FORWARD_TIMEOUT_MS = 5000;
const FORWARD_ATTEMPT_TIMEOUT_MS = 2000;

/** Where a query came from and how. */
export interface QuerySource {
  listener: ListenerConfig;
  proto: Proto;
  remoteIP: string;
  remotePort: number;
}

export interface EngineDeps {
  metrics: CorednsMetrics;
  version: CorednsVersion;
  pool: ForwardPool;
  /** Upstream health, kept by the pod across reloads. */
  health: UpstreamHealth;
  /** Writes one line of container output. */
  log: (line: string) => void;
  random?: () => number;
}

type ChainResult = { reply: DnsMessage; plugin: string } | { error: string };

export class CorednsEngine {
  private readonly caches = new Map<BlockConfig, DnsCache>();

  constructor(
    readonly config: PodConfig,
    private readonly deps: EngineDeps,
  ) {
    for (const l of config.listeners) {
      for (const b of l.blocks)
        if (b.cache && !this.caches.has(b))
          this.caches.set(b, new DnsCache(b.cache.config, { random: deps.random }));
    }
  }

  /** coredns_plugin_enabled for every (listener × zone × handler), as set on startup. */
  reportPluginsEnabled(): void {
    for (const l of this.config.listeners) {
      for (const b of l.blocks)
        for (const zone of b.zones)
          for (const name of b.handlers) this.deps.metrics.pluginEnabled({ server: l.server, zone, name });
    }
  }

  /** Total entries in every cache (for the memory model). */
  cacheEntries(): number {
    let n = 0;
    for (const c of this.caches.values()) n += c.size("success") + c.size("denial");
    return n;
  }

  /** Answers one raw query; resolves to the raw reply to send, or null to drop it. */
  async handle(src: QuerySource, bytes: Buffer): Promise<Buffer | null> {
    const started = process.hrtime.bigint();
    let req: DnsMessage;
    try {
      req = decodeMessage(bytes);
    } catch {
      return null; // miekg/dns drops what it cannot unpack
    }
    const q = req.questions[0];
    if (req.qr || !q) return null;
    const qname = q.name.toLowerCase();
    const route = routeQuery(src.listener, qname);
    const qtype = typeName(q.type);
    if (!route) return this.refuse(src, req, bytes, started);
    const { block, zone } = route;
    const m = this.deps.metrics;
    m.request({
      server: src.listener.server,
      zone,
      proto: src.proto,
      family: 1,
      qtype,
      sizeBytes: bytes.length,
      doBit: req.edns?.do ?? false,
    });

    const result = await this.chain(src, block, req, bytes);
    let wire: Buffer;
    let written: DnsMessage | null;
    let rcode: string;
    let plugin: string;
    if ("error" in result) {
      // errors plugin logs it; the server then writes SERVFAIL itself (plugin="" in the metrics).
      if (block.errors) this.deps.log(formatErrorsLine(Rcode.SERVFAIL, req, result.error));
      written = null;
      rcode = "SERVFAIL";
      plugin = "";
      wire = encodeMessageWithin(
        withEdns({ ...replyTo(req), rcode: Rcode.SERVFAIL }, req),
        clientBufferSize(req, src.proto),
      ).bytes;
    } else {
      written = withEdns({ ...result.reply, id: req.id }, req);
      const out = encodeMessageWithin(written, clientBufferSize(req, src.proto));
      if (out.truncated) written = decodeMessage(out.bytes);
      wire = out.bytes;
      rcode = rcodeName(written.rcode);
      plugin = result.plugin;
    }
    const nanos = Number(process.hrtime.bigint() - started);
    const sizeBytes = written ? wire.length : 0;
    m.response({
      server: src.listener.server,
      zone,
      proto: src.proto,
      rcode,
      plugin,
      sizeBytes,
      durationSeconds: nanos / 1e9,
      qtype,
    });
    const rule = block.log.find((r) => r.names.some((z) => nameInZone(qname, z)));
    if (rule && (rule.classes.has("all") || rule.classes.has(responseClass(written)))) {
      this.deps.log(
        formatLogTemplate(rule.format, {
          remoteIP: src.remoteIP,
          remotePort: src.remotePort,
          localIP: src.listener.virtualIP,
          request: req,
          proto: src.proto,
          requestSize: bytes.length,
          bufsize: clientBufferSize(req, src.proto),
          response: written,
          responseSize: sizeBytes,
          durationNanos: nanos,
          legacyEmptyRcode: this.deps.version === "1.7.0",
        }),
      );
    }
    return wire;
  }

  /**
   * No block for this name on this listener: the server answers REFUSED outside any chain and reports
   * it under zone "dropped" with its raw listen address (core/dnsserver errorAndMetricsFunc).
   */
  private refuse(src: QuerySource, req: DnsMessage, bytes: Buffer, started: bigint): Buffer {
    const refused = withEdns({ ...replyTo(req), rcode: Rcode.REFUSED }, req);
    const wire = encodeMessageWithin(refused, clientBufferSize(req, src.proto)).bytes;
    const server = `${src.listener.virtualIP}:${src.listener.port}`;
    const qtype = typeName(req.questions[0]!.type);
    const common = { server, zone: "dropped", proto: src.proto, qtype };
    this.deps.metrics.request({
      ...common,
      family: 1,
      sizeBytes: bytes.length,
      doBit: req.edns?.do ?? false,
    });
    const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.deps.metrics.response({
      ...common,
      rcode: "REFUSED",
      plugin: "",
      sizeBytes: wire.length,
      durationSeconds,
    });
    return wire;
  }

  /** cache → forward, for one block. */
  private async chain(
    src: QuerySource,
    block: BlockConfig,
    req: DnsMessage,
    bytes: Buffer,
  ): Promise<ChainResult> {
    const cache = this.caches.get(block);
    const qname = req.questions[0]!.name.toLowerCase();
    const cacheApplies = cache && block.cache && block.cache.zones.some((z) => nameInZone(qname, z));
    if (!cache || !block.cache || !cacheApplies) {
      const fwd = await this.forward(block, bytes);
      return "error" in fwd ? fwd : { reply: fwd.reply, plugin: block.forward ? "forward" : "" };
    }
    const labels = { server: src.listener.server, zones: block.cache.zones.join(",") };
    const m = this.deps.metrics;
    m.cacheRequest(labels);
    const hit = cache.lookup(req);
    if (hit.kind === "hit") {
      m.cacheHit({ ...labels, type: hit.type });
      if (hit.stale) {
        m.cacheServedStale(labels);
        void this.refresh(block, cache, labels, req, bytes, false);
      } else if (hit.prefetch) {
        m.cachePrefetch(labels);
        void this.refresh(block, cache, labels, req, bytes, true);
      }
      return { reply: hit.reply, plugin: "cache" };
    }
    m.cacheMiss(labels);
    const fwd = await this.forward(block, bytes);
    if ("error" in fwd) return fwd;
    const stored = this.store(cache, labels, req, fwd.reply, false);
    return { reply: stored, plugin: "cache" };
  }

  private store(
    cache: DnsCache,
    labels: { server: string; zones: string },
    req: DnsMessage,
    res: DnsMessage,
    prefetch: boolean,
  ): DnsMessage {
    const s = cache.store(req, res, { prefetch });
    if (s.stored) {
      if (s.evicted) this.deps.metrics.cacheEviction({ ...labels, type: s.stored });
      this.deps.metrics.cacheEntries({ ...labels, type: "success" }, cache.size("success"));
      this.deps.metrics.cacheEntries({ ...labels, type: "denial" }, cache.size("denial"));
    }
    return s.reply;
  }

  private async refresh(
    block: BlockConfig,
    cache: DnsCache,
    labels: { server: string; zones: string },
    req: DnsMessage,
    bytes: Buffer,
    prefetch: boolean,
  ): Promise<void> {
    const fwd = await this.forward(block, bytes);
    if (!("error" in fwd)) this.store(cache, labels, req, fwd.reply, prefetch);
  }

  /**
   * forward: a random healthy upstream; on failure, another; when only failing ones are left, wait for
   * their health check (CoreDNS re-dials in a tight loop meanwhile: see UpstreamHealth's
   * markedDown); when all are down, one random last try. 5 s overall.
   */
  private async forward(
    block: BlockConfig,
    bytes: Buffer,
  ): Promise<{ reply: DnsMessage } | { error: string }> {
    const fwd = block.forward;
    if (!fwd || fwd.to.length === 0) return { error: "plugin/forward: no next plugin found" };
    const m = this.deps.metrics;
    const health = this.deps.health;
    const random = this.deps.random ?? Math.random;
    const proto: Proto = fwd.forceTcp ? "tcp" : "udp";
    const deadline = Date.now() + FORWARD_TIMEOUT_MS;
    const failed = new Set<ForwardTarget>();
    let lastError = "no healthy proxies";
    while (Date.now() < deadline) {
      const up = fwd.to.filter((t) => !health.isDown(t));
      const broken = up.length === 0;
      if (broken) m.forwardHealthcheckBroken();
      const candidates = broken ? fwd.to : up.filter((t) => !failed.has(t));
      if (candidates.length === 0) {
        // Every healthy-looking upstream just failed: forward keeps re-dialling until a check marks them down.
        const probed = await Promise.race(up.map((t) => health.whenChecked(t)));
        // Nothing is probing them (the pod is stopping): give up rather than spin until the deadline.
        if (!probed) break;
        failed.clear();
        continue;
      }
      const target = candidates[Math.floor(random() * candidates.length)]!;
      const t0 = process.hrtime.bigint();
      try {
        const { bytes: raw, reused } = await this.deps.pool.exchange(
          target,
          proto,
          bytes,
          FORWARD_ATTEMPT_TIMEOUT_MS,
        );
        m.forwardConnCache({ to: target.label, proto, hit: reused });
        const reply = decodeMessage(raw);
        const durationSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
        m.forwardRequest({ to: target.label, proto, rcode: rcodeName(reply.rcode), durationSeconds });
        return { reply };
      } catch (err) {
        m.forwardConnCache({ to: target.label, proto, hit: false });
        lastError = err instanceof UpstreamError ? err.message : String(err);
        health.trigger(target, proto, /connection refused/.test(lastError));
        failed.add(target);
        if (broken) break;
      }
    }
    return { error: lastError };
  }
}

/** plugin/log's class of a reply: response.Classify(response.Typify(msg)); nothing written is an error. */
function responseClass(m: DnsMessage | null): "success" | "denial" | "error" {
  if (!m) return "error";
  const c = classifyResponse(m);
  return c === "noerror" || c === "delegation"
    ? "success"
    : c === "nxdomain" || c === "nodata"
      ? "denial"
      : "error";
}

function withEdns(reply: DnsMessage, req: DnsMessage): DnsMessage {
  // CoreDNS's ScrubWriter: a reply carries an OPT exactly when the request did, with the request's DO.
  return {
    ...reply,
    edns: req.edns
      ? {
          udpSize: Math.max(req.edns.udpSize, 512),
          do: req.edns.do,
          extendedRcode: 0,
          version: 0,
          options: [],
        }
      : null,
  };
}

/** The loop plugin's self-probe name: `<rand>.<rand>.<zone>` with Go's non-negative 63-bit rand.Int(). */
export function loopProbeName(zone: string, random: () => number = Math.random): string {
  const goRandInt = () =>
    (BigInt(Math.floor(random() * 2 ** 31)) * 2n ** 32n + BigInt(Math.floor(random() * 2 ** 32))).toString();
  return `${goRandInt()}.${goRandInt()}.${zone === "." ? "" : zone}`;
}
