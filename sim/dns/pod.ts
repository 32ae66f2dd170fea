/**
 * The simulated node-local-dns container (`node-cache`): renders the mounted Corefile.base, starts
 * CoreDNS with it on the node's loopback stand-ins, and lives through reloads and SIGTERM, logging
 * what the real binary logs. Implements `StartPodRuntime` (sim/runtime.ts).
 */
import { parseCorefile } from "../../lib/corefile";
import { podIPOf, type PodRuntime, type PodRuntimeSpec, type PodRuntimeState } from "../runtime";
import { queryOnce } from "./client";
import { buildPodConfig, COREFILE_PATH, CorednsConfigError, type PodConfig } from "./config";
import { MemoryContainerLog } from "./container-log";
import { renderCorefile } from "./corefile-render";
import { CorednsEngine, loopProbeName } from "./engine";
import { ForwardPool } from "./forward";
import { UpstreamHealth } from "./forward-health";
import {
  coreDnsStartedLines,
  coremainStartLines,
  listenErrorText,
  nodeCacheStartupLines,
  PIDFILE,
  reloadFailedLines,
  reRenderedLines,
  runningConfigurationLine,
  SHUTDOWN_LINES,
} from "./lifecycle-log";
import { goLogPrefix } from "./log-format";
import { createCorednsMetrics, type CorednsMetrics } from "./metrics";
import { listenerKey, PodSockets } from "./pod-sockets";

/** How often the pod looks for a changed Corefile.base, and how long the `reload` plugin then takes. */
export interface PodTiming {
  /** node-cache checks the mounted directory every 10 s in reality; default 2000 ms for the demo. */
  configCheckMs?: number;
  /** CoreDNS's `reload` checks every 30 s ± 15 s in reality; default 3000 ms for the demo. */
  reloadMs?: number;
}

/** A DNS socket the pod really listens on, and the cluster address it stands in for. */
export interface DnsEndpoint {
  /** "169.254.20.10", "10.96.0.10", or "" for a block without `bind`. */
  virtualIP: string;
  host: string;
  port: number;
  proto: "udp" | "tcp";
}

/**
 * The PodRuntime plus where things really listen, for when ports were picked by the kernel
 * (dnsPort 0, or metricsPort/healthPort 0): the cluster wiring reads these instead of the spec.
 */
export interface NodeLocalDnsPod extends PodRuntime {
  /** Every DNS socket of the running configuration (empty until `started` resolves and after stop). */
  dnsEndpoints(): DnsEndpoint[];
  /** Where /metrics really listens (null when no block has `prometheus`, or not running). */
  metricsEndpoint(): { host: string; port: number } | null;
  /** Where /health really listens (null when no block has `health`, or not running). */
  healthEndpoint(): { host: string; port: number } | null;
}

/** The container exited at start; `message` is the line CoreDNS printed. */
export class PodStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PodStartError";
  }
}

/** Starts one simulated node-local-dns container. */
/**
 * Few sockets per pod, for thousands of pods in one process under its file-descriptor limit
 * (sim/lean-sockets.ts): DNS over UDP only, no /health listener, and one upstream connection pool
 * shared by every pod instead of one per pod.
 */
export interface LeanSockets {
  sharedPool: ForwardPool;
}

/**
 * Each loop probe opens a client socket; thousands of lean pods starting together would open
 * thousands at once on top of their listeners. Lean pods' probes take turns, 64 at a time.
 */
const leanProbes = (() => {
  const queue: (() => Promise<unknown>)[] = [];
  let running = 0;
  const next = () => {
    while (running < 64 && queue.length > 0) {
      const job = queue.shift() as () => Promise<unknown>;
      running++;
      void job().finally(() => {
        running--;
        next();
      });
    }
  };
  return {
    run(job: () => Promise<unknown>) {
      queue.push(job);
      next();
    },
  };
})();

export function startNodeLocalDnsPod(
  spec: PodRuntimeSpec,
  timing: PodTiming = {},
  lean?: LeanSockets,
): NodeLocalDnsPod {
  return new SimPod(
    spec,
    { configCheckMs: timing.configCheckMs ?? 2000, reloadMs: timing.reloadMs ?? 3000 },
    lean,
  );
}

class SimPod implements NodeLocalDnsPod {
  readonly log = new MemoryContainerLog();
  readonly started: Promise<void>;
  private phase: PodRuntimeState = { phase: "starting" };
  private readonly metrics: CorednsMetrics;
  private readonly pool: ForwardPool;
  private readonly health: UpstreamHealth;
  private readonly sockets: PodSockets;
  private engine: CorednsEngine | null = null;
  private baseText: string;
  /** What node-cache last wrote to /etc/Corefile. */
  private writtenCorefile: string;
  /** What the reload plugin last saw (it tries again only when the file changes again). */
  private reloadSeen: string;
  private configTimer: NodeJS.Timeout | null = null;
  private reloadTimer: NodeJS.Timeout | null = null;
  private lastHealthCheck = Date.now();
  private stopping: Promise<void> | null = null;

  constructor(
    readonly spec: PodRuntimeSpec,
    private readonly timing: Required<PodTiming>,
    private readonly lean?: LeanSockets,
  ) {
    this.pool = lean?.sharedPool ?? new ForwardPool(podIPOf(spec));
    this.metrics = createCorednsMetrics({
      version: spec.corednsVersion,
      startTime: new Date(),
      cacheEntriesForMemory: () => this.engine?.cacheEntries() ?? 0,
    });
    this.health = new UpstreamHealth(this.pool, {
      probeFailed: (t) => this.metrics.forwardHealthcheckFailure({ to: t.label }),
      // forward's tight re-dial loop against a refusing upstream: ~15 connection-cache misses per ms
      // until it is marked down (the fixture shows thousands), capped to keep 1,000 pods cheap.
      markedDown: (t, proto, refusedForMs) => {
        const n = Math.min(2000, Math.round(refusedForMs * 15));
        for (let i = 0; i < n; i++) this.metrics.forwardConnCache({ to: t.label, proto, hit: false });
      },
    });
    this.sockets = new PodSockets(
      spec,
      (key) => (bytes, proto, remote) => {
        const engine = this.engine;
        const listener = engine?.config.listeners.find((l) => listenerKey(l) === key);
        if (!engine || !listener) return Promise.resolve(null);
        return engine.handle({ listener, proto, remoteIP: remote.address, remotePort: remote.port }, bytes);
      },
      () => this.renderMetrics(),
      lean !== undefined,
    );
    this.baseText = spec.corefileBase;
    this.writtenCorefile = this.render(spec.corefileBase);
    this.reloadSeen = this.writtenCorefile;
    this.started = this.start();
    this.started.catch(() => undefined); // callers that never await must not see an unhandled rejection
  }

  state(): PodRuntimeState {
    return this.phase;
  }

  dnsEndpoints(): DnsEndpoint[] {
    const out: DnsEndpoint[] = [];
    for (const l of this.engine?.config.listeners ?? []) {
      const sock = this.sockets.listener(l);
      if (!sock) continue;
      for (const proto of ["udp", "tcp"] as const)
        out.push({ virtualIP: l.virtualIP, host: sock.host, port: sock.port, proto });
    }
    return out;
  }

  metricsEndpoint(): { host: string; port: number } | null {
    const m = this.sockets.metricsEndpoint();
    return m ? { host: m.host, port: m.port } : null;
  }

  healthEndpoint(): { host: string; port: number } | null {
    const h = this.sockets.healthEndpoint();
    return h ? { host: h.host, port: h.port } : null;
  }

  private render(base: string): string {
    return renderCorefile(base, {
      clusterDnsIP: this.spec.clusterDns.virtualIP,
      localIPs: this.spec.localIPs,
    });
  }

  /** Before CoreDNS starts, Go's log prints a timestamp; after, CoreDNS has set the flags to 0. */
  private logGo(text: string): void {
    this.log.write(`${goLogPrefix(new Date())}${text}`);
  }

  private logPlain(text: string): void {
    this.log.write(text);
  }

  private async start(): Promise<void> {
    for (const line of nodeCacheStartupLines(this.spec.corednsVersion, this.writtenCorefile))
      this.logGo(line);
    this.logPlain(`[INFO] waiting for coredns pidfile '${PIDFILE}'`);
    for (const line of coremainStartLines(this.spec.corednsVersion)) this.logPlain(line);
    let config: PodConfig;
    try {
      config = buildPodConfig(this.spec, this.writtenCorefile);
      const engine = this.newEngine(config);
      await this.sockets.sync(config);
      this.engine = engine;
    } catch (err) {
      await this.sockets.closeAll();
      this.health.close();
      if (!this.lean) this.pool.close();
      // coremain's mustLogFatal: Go's log.Fatal with flags 0, so the bare error text, then exit 1.
      const message = err instanceof CorednsConfigError ? err.message : listenErrorText(err, "", 53);
      this.logPlain(message);
      this.phase = { phase: "exited", exitCode: 1, reason: "Error", finishedAt: new Date() };
      throw new PodStartError(message);
    }
    for (const line of coreDnsStartedLines(this.spec.corednsVersion, config)) this.logPlain(line);
    this.engine.reportPluginsEnabled();
    this.phase = { phase: "running", startedAt: new Date() };
    this.lastHealthCheck = Date.now();
    this.sendLoopProbes(config);
  }

  private newEngine(config: PodConfig): CorednsEngine {
    return new CorednsEngine(config, {
      metrics: this.metrics,
      version: this.spec.corednsVersion,
      pool: this.pool,
      health: this.health,
      log: (line) => this.logPlain(line),
    });
  }

  /**
   * The health plugin checks itself once a second, feeding coredns_health_request_duration_seconds.
   * Rather than a timer per pod, the checks since the last scrape are accounted for at scrape time.
   */
  private renderMetrics(): string {
    if (this.engine?.config.health && this.phase.phase === "running") {
      const checks = Math.min(3600, Math.floor((Date.now() - this.lastHealthCheck) / 1000));
      for (let i = 0; i < checks; i++) this.metrics.healthRequest(0.0003 + Math.random() * 0.0012, false);
      this.lastHealthCheck += checks * 1000;
    }
    return this.metrics.render();
  }

  /** The loop plugin: one HINFO `<rand>.<rand>.<zone>` per block, sent to the first listen address. */
  private sendLoopProbes(config: PodConfig): void {
    const first = config.listeners[0];
    const sock = first && this.sockets.listener(first);
    if (!sock) return;
    const seen = new Set<object>();
    for (const l of config.listeners) {
      for (const b of l.blocks) {
        if (seen.has(b) || !b.loop) continue;
        seen.add(b);
        const name = loopProbeName(b.zones[0] ?? ".");
        const probe = () =>
          queryOnce({ host: sock.host, port: sock.port, name, type: "HINFO", timeoutMs: 5000 }).catch(
            () => undefined,
          );
        if (this.lean) leanProbes.run(probe);
        else void probe();
      }
    }
  }

  updateCorefileBase(text: string): void {
    if (this.phase.phase === "exited") return;
    this.baseText = text;
    // node-cache notices the change on its next directory check.
    this.configTimer ??= setTimeout(() => {
      this.configTimer = null;
      this.onConfigCheck();
    }, this.timing.configCheckMs);
  }

  private onConfigCheck(): void {
    if (this.phase.phase !== "running") return;
    const rendered = this.render(this.baseText);
    if (rendered === this.writtenCorefile) return;
    this.writtenCorefile = rendered;
    for (const line of reRenderedLines(rendered)) this.logPlain(line);
    this.reloadTimer ??= setTimeout(() => {
      this.reloadTimer = null;
      void this.onReloadCheck();
    }, this.timing.reloadMs);
  }

  /** The reload plugin: a changed file is parsed loosely, hashed, and CoreDNS restarts with it. */
  private async onReloadCheck(): Promise<void> {
    const engine = this.engine;
    if (this.phase.phase !== "running" || !engine || !engine.config.reload) return;
    const text = this.writtenCorefile;
    if (text === this.reloadSeen) return;
    try {
      parseCorefile(text, { filename: COREFILE_PATH, checkDirectives: false });
    } catch (err) {
      this.logPlain(`[WARNING] plugin/reload: Corefile parse failed: ${(err as Error).message}`);
      return;
    }
    this.reloadSeen = text;
    this.metrics.reloadVersion(text);
    this.logPlain("[INFO] Reloading");
    let config: PodConfig;
    try {
      config = buildPodConfig(this.spec, text);
      await this.sockets.sync(config);
    } catch (err) {
      for (const line of reloadFailedLines(err instanceof Error ? err.message : String(err)))
        this.logPlain(line);
      this.metrics.reloadFailed();
      // Whatever the failed attempt opened beyond the running config goes again.
      await this.sockets.sync(engine.config).catch(() => undefined);
      return;
    }
    if (this.phase.phase !== "running") return; // stopped meanwhile
    this.engine = this.newEngine(config);
    this.metrics.resetPluginEnabled();
    this.engine.reportPluginsEnabled();
    if (config.reload) this.logPlain(runningConfigurationLine(this.spec.corednsVersion, text));
    this.logPlain("[INFO] Reloading complete");
    this.sendLoopProbes(config);
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    await this.started.catch(() => undefined);
    if (this.configTimer) clearTimeout(this.configTimer);
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.configTimer = this.reloadTimer = null;
    if (this.phase.phase === "exited") return;
    for (const line of SHUTDOWN_LINES) this.logPlain(line);
    this.engine = null;
    await this.sockets.closeAll();
    this.health.close();
    if (!this.lean) this.pool.close();
    // Exited only once the ports are free: a kubelet restarting the container at once must be able to bind.
    this.phase = { phase: "exited", exitCode: 0, reason: "Completed", finishedAt: new Date() };
  }
}
