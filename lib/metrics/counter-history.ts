/**
 * One node's history, stored as the counters and gauges it was scraped with and turned into rates
 * on read — the rates are noisy doubles that compress badly, while the counters behind them are
 * integers that grow by similar steps, which delta-of-delta coding (bits.ts) stores in a few bits
 * (1 bit for a counter that did not move). Points are kept in chunks of CHUNK_POINTS; a chunk's
 * series (which counters, rcodes, histogram bounds, server blocks and listen addresses) are fixed when
 * it starts, and a scrape with other series starts a new chunk. Reading a point decodes its chunk and
 * runs the same rate functions (lib/coredns/rates.ts) on neighbouring scrapes as the collector does
 * live, so the history shows exactly the numbers the live view showed.
 *
 * Not stored: a histogram's `_sum` (no history signal uses it), the CoreDNS version, config hash and
 * sample count (the latest scrape has them).
 */
import type { Histogram, NodeScrape, ServerBlockCounters } from "@/lib/coredns/node-record";
import { nodeRates, serverRates, zoneRates, type NodeRates } from "@/lib/coredns/rates";
import { RatioWindow } from "@/lib/coredns/ratio-window";
import { BitReader, BitWriter, DeltaState } from "./bits";
import { medianOfNewest, type HistoryPoint, type HistorySignal, type ZoneSignal } from "./history";

export const CHUNK_POINTS = 120;
/**
 * Scrapes kept beyond the window, so the hit ratio over the last minute (RatioWindow) of the oldest
 * point shown still has its minute: 60 scrapes cover a minute at any interval of 1 s or more.
 */
const RATIO_MARGIN_SCRAPES = 60;
/** Newest derived points kept decoded, for the overview's smoothing (recentMedian). */
const RECENT_POINTS = 16;

const COUNTERS = [
  "requests",
  "cacheRequests",
  "hits",
  "hitsSuccess",
  "hitsDenial",
  "misses",
  "evictions",
  "prefetches",
  "servedStale",
  "upstreamRequests",
  "upstreamHealthcheckFailures",
  "upstreamBroken",
  "reloadFailed",
  "panics",
] as const;

/** Which series a chunk holds, in order; shared by every chunk (of every node) with the same ones. */
interface Schema {
  key: string;
  rcodes: string[];
  latencyBounds: number[] | null;
  upstreamBounds: number[] | null;
  zones: string[];
  servers: string[];
  /** Values per point. */
  width: number;
}

const schemas = new Map<string, Schema>();

function schemaOf(s: NodeScrape): Schema {
  const rcodes = Object.keys(s.counters.responsesByRcode);
  const latencyBounds = s.latency?.bounds ?? null;
  const upstreamBounds = s.upstreamLatency?.bounds ?? null;
  const zones = s.zones.map((z) => z.zone);
  const servers = Object.keys(s.requestsByServer);
  const key = JSON.stringify([rcodes, latencyBounds, upstreamBounds, zones, servers]);
  let schema = schemas.get(key);
  if (!schema) {
    if (schemas.size > 10_000) schemas.clear();
    const width =
      COUNTERS.length +
      3 + // entries success, denial; memory
      rcodes.length +
      (latencyBounds ? latencyBounds.length + 1 : 0) +
      (upstreamBounds ? upstreamBounds.length + 1 : 0) +
      zones.length * 4 +
      servers.length;
    schema = { key, rcodes, latencyBounds, upstreamBounds, zones, servers, width };
    schemas.set(key, schema);
  }
  return schema;
}

/** The scrape's numbers in the schema's order. */
function flatten(s: NodeScrape, schema: Schema, out: number[]): void {
  out.length = 0;
  const c = s.counters;
  for (const k of COUNTERS) out.push(c[k]);
  out.push(s.entries.success, s.entries.denial, s.memoryBytes ?? NaN);
  for (const r of schema.rcodes) out.push(c.responsesByRcode[r] ?? NaN);
  for (const h of [s.latency, s.upstreamLatency]) if (h) out.push(...h.counts, h.count);
  for (const z of s.zones) out.push(z.requests, z.hits, z.misses, z.entries);
  for (const server of schema.servers) out.push(s.requestsByServer[server] ?? NaN);
}

/** What rates.ts reads of a scrape, rebuilt from a decoded point. */
function unflatten(v: Float64Array, schema: Schema): NodeScrape {
  let i = 0;
  const next = () => v[i++] as number;
  const counters = {} as NodeScrape["counters"];
  for (const k of COUNTERS) counters[k] = next();
  const success = next();
  const denial = next();
  const memory = next();
  const responsesByRcode: Record<string, number> = {};
  for (const r of schema.rcodes) responsesByRcode[r] = next();
  counters.responsesByRcode = responsesByRcode;
  const histogram = (bounds: number[] | null): Histogram | null => {
    if (!bounds) return null;
    const counts = bounds.map(() => next());
    return { bounds, counts, sum: 0, count: next() };
  };
  const latency = histogram(schema.latencyBounds);
  const upstreamLatency = histogram(schema.upstreamBounds);
  const zones: ServerBlockCounters[] = schema.zones.map((zone) => ({
    zone,
    requests: next(),
    hits: next(),
    misses: next(),
    entries: next(),
  }));
  const requestsByServer: Record<string, number> = {};
  for (const server of schema.servers) requestsByServer[server] = next();
  return {
    corednsVersion: null,
    counters,
    entries: { success, denial, total: success + denial },
    latency,
    upstreamLatency,
    zones,
    requestsByServer,
    memoryBytes: Number.isNaN(memory) ? null : memory,
    configHash: null,
    setupErrors: null,
    sampleCount: 0,
  };
}

/** A chunk being written; sealed into its bytes when the next one starts. */
interface Chunk {
  schema: Schema;
  firstT: number;
  lastT: number;
  points: number;
  /** Sealed chunks: the bit stream. */
  bytes: Uint8Array | null;
  /** The chunk being written: its stream and the coder state of time and every series. */
  writer: BitWriter | null;
  time: DeltaState | null;
  states: DeltaState[] | null;
}

/** A decoded scrape: its time, whether the pod changed since the one before, its numbers. */
interface Decoded {
  t: number;
  podChanged: boolean;
  scrape: NodeScrape;
}

/** The history point the collector shows for two scrapes' rates (also the live view's). */
export function historyPoint(r: NodeRates, s: NodeScrape): HistoryPoint {
  return {
    queriesPerSecond: r.queriesPerSecond,
    hitRatio: r.hitRatio,
    hitsPerSecond: r.hitsPerSecond,
    missesPerSecond: r.missesPerSecond,
    entries: s.entries.total,
    evictionsPerSecond: r.evictionsPerSecond,
    prefetchesPerSecond: r.prefetchesPerSecond,
    servedStalePerSecond: r.servedStalePerSecond,
    nxdomainPerSecond: r.responsesPerSecondByRcode.NXDOMAIN ?? 0,
    servfailPerSecond: r.responsesPerSecondByRcode.SERVFAIL ?? 0,
    refusedPerSecond: r.responsesPerSecondByRcode.REFUSED ?? 0,
    latencyP50: r.latencyP50,
    latencyP90: r.latencyP90,
    latencyP99: r.latencyP99,
    upstreamPerSecond: r.upstreamPerSecond,
    upstreamLatencyP99: r.upstreamLatencyP99,
    upstreamHealthcheckFailuresPerSecond: r.upstreamHealthcheckFailuresPerSecond,
    memoryBytes: s.memoryBytes,
  };
}

const finiteOrNull = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? null : v;

function cleanPoint<P extends Record<string, number | null>>(p: P): P {
  const out = {} as Record<string, number | null>;
  for (const k of Object.keys(p)) out[k] = finiteOrNull(p[k]);
  return out as P;
}

export class NodeHistory {
  private readonly chunks: Chunk[] = [];
  private readonly values: number[] = [];
  /** Newest derived points, oldest first (at most RECENT_POINTS). */
  private readonly recent: { t: number; point: HistoryPoint }[] = [];
  /** Scrapes stored (the first has no rate, so points() returns one fewer). */
  private stored = 0;

  /** `capacity`: scrapes kept (the retention window over the interval), as the rings had. */
  constructor(readonly capacity: number) {}

  /** Stores a scrape taken at `t`; `podChanged`: another pod (or a restart) since the previous one. */
  push(t: number, scrape: NodeScrape, podChanged: boolean, derived: HistoryPoint | null): void {
    const schema = schemaOf(scrape);
    let head = this.chunks[this.chunks.length - 1];
    if (!head || head.schema !== schema || head.points >= CHUNK_POINTS) {
      if (head) this.seal(head);
      head = {
        schema,
        firstT: t,
        lastT: t,
        points: 0,
        bytes: null,
        writer: new BitWriter(256),
        time: new DeltaState(),
        states: Array.from({ length: schema.width }, () => new DeltaState()),
      };
      this.chunks.push(head);
    }
    const w = head.writer as BitWriter;
    (head.time as DeltaState).encode(w, t);
    w.write(podChanged ? 1 : 0, 1);
    flatten(scrape, schema, this.values);
    const states = head.states as DeltaState[];
    for (let i = 0; i < schema.width; i++) (states[i] as DeltaState).encode(w, this.values[i] as number);
    head.points++;
    head.lastT = t;
    this.stored++;
    // Drop the oldest chunk once the rest still hold a full window.
    while (
      this.chunks.length > 1 &&
      this.stored - (this.chunks[0] as Chunk).points > this.capacity + RATIO_MARGIN_SCRAPES
    ) {
      this.stored -= (this.chunks.shift() as Chunk).points;
    }
    if (derived) {
      this.recent.push({ t, point: derived });
      if (this.recent.length > RECENT_POINTS) this.recent.shift();
    }
  }

  private seal(chunk: Chunk): void {
    chunk.bytes = (chunk.writer as BitWriter).bytes();
    chunk.writer = null;
    chunk.time = null;
    chunk.states = null;
  }

  /** Scrapes held. */
  get length(): number {
    return this.stored;
  }

  /** Values stored (scrapes × series), what bytesPerSample divides by. */
  get samples(): number {
    let n = 0;
    for (const c of this.chunks) n += c.points * (c.schema.width + 1);
    return n;
  }

  /** Bytes of the encoded streams and coder state (spare capacity of the open chunk included). */
  get bytes(): number {
    let n = 0;
    for (const c of this.chunks) {
      n += c.bytes ? c.bytes.byteLength : (c.writer as BitWriter).capacityBytes;
      if (c.states) n += (c.states.length + 1) * 16;
    }
    return n + this.recent.length * HISTORY_POINT_BYTES;
  }

  private decodeChunk(c: Chunk): Decoded[] {
    const bytes = c.bytes ?? (c.writer as BitWriter).bytes();
    const r = new BitReader(bytes);
    const time = new DeltaState();
    const states = Array.from({ length: c.schema.width }, () => new DeltaState());
    const out: Decoded[] = [];
    const v = new Float64Array(c.schema.width);
    for (let p = 0; p < c.points; p++) {
      const t = time.decode(r);
      const podChanged = r.read(1) === 1;
      for (let i = 0; i < v.length; i++) v[i] = (states[i] as DeltaState).decode(r);
      out.push({ t, podChanged, scrape: unflatten(v, c.schema) });
    }
    return out;
  }

  /**
   * Every decoded scrape with the one before it, oldest first; `shown` marks the newest `capacity`
   * at or after `sinceMs`. The earlier ones are decoded too: they fill the ratio windows.
   */
  private pairs(sinceMs: number): { prev: Decoded; cur: Decoded; shown: boolean }[] {
    const out: { prev: Decoded; cur: Decoded; shown: boolean }[] = [];
    let prev: Decoded | null = null;
    let hidden = Math.max(0, this.stored - this.capacity);
    const { chunks } = this;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i] as Chunk;
      const next = chunks[i + 1];
      if (next && next.firstT < sinceMs - RATIO_WINDOW_MS) {
        // Neither this chunk nor the next one's first minute is asked for.
        hidden -= c.points;
        prev = null;
        continue;
      }
      for (const d of this.decodeChunk(c)) {
        const shown = hidden <= 0 && d.t >= sinceMs;
        hidden--;
        if (prev) out.push({ prev, cur: d, shown });
        prev = d;
      }
    }
    return out;
  }

  /** The node's signals over time, oldest first, as the live view computed them. */
  points(sinceMs = 0): ({ t: number } & HistoryPoint)[] {
    const out: ({ t: number } & HistoryPoint)[] = [];
    const window = new RatioWindow(RATIO_WINDOW_MS);
    for (const { prev, cur, shown } of this.pairs(sinceMs)) {
      const seconds = (cur.t - prev.t) / 1000;
      const rates = nodeRates(prev.scrape, cur.scrape, seconds, cur.podChanged);
      if (rates.reset) window.clear();
      const hitRatio = window.push(cur.t, rates.hitsPerSecond * seconds, rates.missesPerSecond * seconds);
      if (shown) out.push({ t: cur.t, ...cleanPoint({ ...historyPoint(rates, cur.scrape), hitRatio }) });
    }
    return out;
  }

  /** Per server block, the zone signals over time (hit ratio over the last minute, as live). */
  serverBlocks(sinceMs = 0): Map<string, ({ t: number } & Record<ZoneSignal, number | null>)[]> {
    const out = new Map<string, ({ t: number } & Record<ZoneSignal, number | null>)[]>();
    const windows = new Map<string, RatioWindow>();
    for (const { prev, cur, shown } of this.pairs(sinceMs)) {
      const seconds = (cur.t - prev.t) / 1000;
      const reset = nodeRates(prev.scrape, cur.scrape, seconds, cur.podChanged).reset;
      if (reset) windows.clear();
      for (const z of zoneRates(prev.scrape, cur.scrape, seconds, reset)) {
        let w = windows.get(z.zone);
        if (!w) windows.set(z.zone, (w = new RatioWindow(RATIO_WINDOW_MS)));
        const hitRatio = w.push(cur.t, z.hitsPerSecond * seconds, z.missesPerSecond * seconds);
        if (!shown) continue;
        let list = out.get(z.zone);
        if (!list) out.set(z.zone, (list = []));
        list.push({
          t: cur.t,
          queriesPerSecond: finiteOrNull(z.queriesPerSecond),
          hitRatio: finiteOrNull(hitRatio),
          hitsPerSecond: finiteOrNull(z.hitsPerSecond),
          missesPerSecond: finiteOrNull(z.missesPerSecond),
          entries: finiteOrNull(z.entries),
        });
      }
    }
    return out;
  }

  /** Per listen address, queries per second over time. */
  listenAddresses(sinceMs = 0): Map<string, { t: number; queriesPerSecond: number | null }[]> {
    const out = new Map<string, { t: number; queriesPerSecond: number | null }[]>();
    for (const { prev, cur, shown } of this.pairs(sinceMs)) {
      if (!shown) continue;
      const seconds = (cur.t - prev.t) / 1000;
      const reset = nodeRates(prev.scrape, cur.scrape, seconds, cur.podChanged).reset;
      for (const [server, qps] of Object.entries(serverRates(prev.scrape, cur.scrape, seconds, reset))) {
        let list = out.get(server);
        if (!list) out.set(server, (list = []));
        list.push({ t: cur.t, queriesPerSecond: finiteOrNull(qps) });
      }
    }
    return out;
  }

  /** Median of a signal over the newest `n` points (nulls skipped); null when there are none. */
  recentMedian(signal: HistorySignal, n: number): number | null {
    return medianOfNewest(this.recent, n, (p) => p.point[signal]);
  }
}

/** The hit-ratio window the collector uses live (lib/metrics/collector.ts). */
const RATIO_WINDOW_MS = 60_000;

/** A rough size of one kept derived point (18 numbers and an object), for `bytes`. */
const HISTORY_POINT_BYTES = 18 * 8 + 64;
