/**
 * The simulated node-local-dns container (`node-cache`): renders the mounted Corefile.base, starts
 * CoreDNS with it on the node's loopback stand-ins, and lives through reloads and SIGTERM, logging
 * what the real binary logs. Implements `StartPodRuntime` (sim/runtime.ts).
 */
import { COREDNS_VERSIONS, type PodRuntime, type PodRuntimeSpec, type PodRuntimeState } from "../runtime";
import { queryOnce } from "./client";
import { buildPodConfig, COREFILE_PATH, CorednsConfigError, standInFor, type PodConfig } from "./config";
import { MemoryContainerLog } from "./container-log";
import { renderCorefile, renderedLogLine } from "./corefile-render";
import { CorednsEngine, loopProbeName } from "./engine";
import { ForwardPool } from "./forward";
import { startHealthEndpoint, startMetricsEndpoint, type HttpEndpoint } from "./http";
import { goLogPrefix } from "./log-format";
import { corefileHash, createCorednsMetrics, reloadHashKind, type CorednsMetrics } from "./metrics";
import { startDnsListener, type DnsListener } from "./transport";
import { parseCorefile } from "../../lib/corefile";

const PIDFILE = "/tmp/node-cache.pid";

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

/** The PodRuntime plus what the wiring needs when ports were picked by the kernel (dnsPort 0). */
export interface NodeLocalDnsPod extends PodRuntime {
  /** Every DNS socket of the running configuration (empty until `started` resolves). */
  dnsEndpoints(): DnsEndpoint[];
  /** Where /metrics really listens (null when no block has `prometheus` or not yet started). */
  metricsEndpoint(): { host: string; port: number } | null;
  /** Where /health really listens (null when no block has `health` or not yet started). */
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
export function startNodeLocalDnsPod(spec: PodRuntimeSpec, timing: PodTiming = {}): NodeLocalDnsPod {
  return new SimPod(spec, { configCheckMs: timing.configCheckMs ?? 2000, reloadMs: timing.reloadMs ?? 3000 });
}

class SimPod implements NodeLocalDnsPod {
  readonly log: MemoryContainerLog;
  readonly started: Promise<void>;
  private phase: PodRuntimeState = { phase: "starting" };
  private readonly metrics: CorednsMetrics;
  private readonly pool: ForwardPool;
  private engine: CorednsEngine | null = null;
  private listeners = new Map<string, DnsListener>();
  private httpEndpoints: { metrics: HttpEndpoint | null; health: HttpEndpoint | null } = {
    metrics: null,
    health: null,
  };
  private baseText: string;
  /** What node-cache last wrote to /etc/Corefile. */
  private writtenCorefile: string;
  /** What the reload plugin last saw (it retries only when the file changes again). */
  private reloadSeen: string;
  private configTimer: NodeJS.Timeout | null = null;
  private reloadTimer: NodeJS.Timeout | null = null;
  private lastHealthCheck = Date.now();
  private stopping: Promise<void> | null = null;

  constructor(
    readonly spec: PodRuntimeSpec,
    private readonly timing: Required<PodTiming>,
  ) {
    this.log = new MemoryContainerLog();
    this.pool = new ForwardPool(spec.addresses.nodeIP);
    this.metrics = createCorednsMetrics({
      version: spec.corednsVersion,
      startTime: new Date(),
      cacheEntriesForMemory: () => this.engine?.cacheEntries() ?? 0,
    });
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
    const cfg = this.engine?.config;
    if (!cfg) return [];
    const out: DnsEndpoint[] = [];
    for (const l of cfg.listeners) {
      const sock = this.listeners.get(listenerKey(l.host, l.port));
      if (!sock) continue;
      for (const proto of ["udp", "tcp"] as const)
        out.push({ virtualIP: l.virtualIP, host: sock.host, port: sock.port, proto });
    }
    return out;
  }

  metricsEndpoint(): { host: string; port: number } | null {
    const m = this.httpEndpoints.metrics;
    return m ? { host: m.host, port: m.port } : null;
  }

  healthEndpoint(): { host: string; port: number } | null {
    const h = this.httpEndpoints.health;
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
    const versions = COREDNS_VERSIONS[this.spec.corednsVersion];
    this.logGo(`[INFO] Starting node-cache image: ${versions.nodeCache}`);
    this.logGo(`[INFO] Using Corefile ${COREFILE_PATH}`);
    this.logGo(`[INFO] Using Pidfile ${PIDFILE}`);
    this.logGo(`[INFO] ${renderedLogLine()}`);
    this.logGo(`[INFO] Using config file:\n${this.writtenCorefile.replace(/\n$/, "")}`);
    this.logGo("[INFO] Skipping kube-dns configmap sync as no directory was specified");
    this.logPlain(`[INFO] waiting for coredns pidfile '${PIDFILE}'`);
    let config: PodConfig;
    try {
      config = buildPodConfig(this.spec, this.writtenCorefile);
      const engine = this.newEngine(config);
      await this.openSockets(config);
      this.engine = engine;
    } catch (err) {
      await this.closeSockets();
      this.pool.close();
      // coremain's mustLogFatal: Go's log.Fatal with flags 0, so the bare error text, then exit 1.
      const message = err instanceof CorednsConfigError ? err.message : bindErrorText(err);
      this.logPlain(message);
      this.phase = { phase: "exited", exitCode: 1, reason: "Error", finishedAt: new Date() };
      throw new PodStartError(message);
    }
    for (const l of config.listeners) {
      for (const b of l.blocks)
        for (const z of b.zones)
          this.logPlain(l.virtualIP ? `${z}:${b.port} on ${l.virtualIP}` : `${z}:${b.port}`);
    }
    if (config.reload) this.logRunningConfiguration(config.text);
    this.logPlain(`CoreDNS-${this.spec.corednsVersion}\nlinux/amd64, ${versions.goVersion}, `);
    this.engine!.reportPluginsEnabled();
    this.phase = { phase: "running", startedAt: new Date() };
    this.lastHealthCheck = Date.now();
    this.sendLoopProbes(config);
  }

  private newEngine(config: PodConfig): CorednsEngine {
    return new CorednsEngine(config, {
      metrics: this.metrics,
      version: this.spec.corednsVersion,
      pool: this.pool,
      log: (line) => this.logPlain(line),
    });
  }

  private logRunningConfiguration(text: string): void {
    const kind = reloadHashKind(this.spec.corednsVersion).toUpperCase();
    this.logPlain(
      `[INFO] plugin/reload: Running configuration ${kind} = ${corefileHash(this.spec.corednsVersion, text)}`,
    );
  }

  private dnsPortFor(corefilePort: number): number {
    if (this.spec.dnsPort === 0) return 0;
    return corefilePort === 53 ? this.spec.dnsPort : corefilePort;
  }

  /** Opens sockets the config needs and does not have yet; closes those it no longer needs. */
  private async openSockets(config: PodConfig): Promise<void> {
    const wanted = new Set(config.listeners.map((l) => listenerKey(l.host, l.port)));
    for (const [key, sock] of this.listeners) {
      if (!wanted.has(key)) {
        this.listeners.delete(key);
        await sock.close();
      }
    }
    await Promise.all(
      config.listeners.map(async (l) => {
        const key = listenerKey(l.host, l.port);
        if (this.listeners.has(key)) return;
        const sock = await startDnsListener(l.host, this.dnsPortFor(l.port), (bytes, proto, remote) => {
          const engine = this.engine;
          const current = engine?.config.listeners.find((x) => listenerKey(x.host, x.port) === key);
          if (!engine || !current) return Promise.resolve(null);
          return engine.handle(
            { listener: current, proto, remoteIP: remote.address, remotePort: remote.port },
            bytes,
          );
        }).catch((err: unknown) => {
          throw new CorednsConfigError(bindErrorText(err, l.virtualIP || l.host, l.port));
        });
        this.listeners.set(key, sock);
      }),
    );
    if (config.metrics && !this.httpEndpoints.metrics) {
      this.httpEndpoints.metrics = await startMetricsEndpoint(
        this.spec.addresses.nodeIP,
        this.spec.metricsPort,
        () => this.renderMetrics(),
      ).catch((err: unknown) => {
        throw new CorednsConfigError(bindErrorText(err, "", 9253));
      });
    }
    if (config.health && !this.httpEndpoints.health) {
      this.httpEndpoints.health = await startHealthEndpoint(
        this.healthHost(config),
        this.spec.healthPort,
      ).catch((err: unknown) => {
        throw new CorednsConfigError(bindErrorText(err, "", 8080));
      });
    }
  }

  private healthHost(config: PodConfig): string {
    // `health 169.254.20.10:8080` → the link-local stand-in; no address (":8080") → the same, as pods probe it there.
    void config;
    try {
      return standInFor(this.spec, this.spec.localIPs[0] ?? "169.254.20.10", 8080);
    } catch {
      return this.spec.addresses.linkLocal;
    }
  }

  private async closeSockets(): Promise<void> {
    const socks = [...this.listeners.values()];
    this.listeners.clear();
    const http = [this.httpEndpoints.metrics, this.httpEndpoints.health].filter(
      (h): h is HttpEndpoint => h !== null,
    );
    this.httpEndpoints = { metrics: null, health: null };
    await Promise.all([...socks.map((s) => s.close()), ...http.map((h) => h.close())]);
  }

  /**
   * The health plugin checks itself once a second, feeding coredns_health_request_duration_seconds.
   * Rather than a timer per pod, the checks since the last scrape are accounted for at scrape time.
   */
  private renderMetrics(): string {
    if (this.engine?.config.health && this.phase.phase === "running") {
      const now = Date.now();
      const checks = Math.min(3600, Math.floor((now - this.lastHealthCheck) / 1000));
      for (let i = 0; i < checks; i++) this.metrics.healthRequest(0.0003 + Math.random() * 0.0012, false);
      this.lastHealthCheck += checks * 1000;
    }
    return this.metrics.render();
  }

  /** The loop plugin: one HINFO `<rand>.<rand>.<zone>` per block to the first listen address. */
  private sendLoopProbes(config: PodConfig): void {
    const first = config.listeners[0];
    if (!first) return;
    const sock = this.listeners.get(listenerKey(first.host, first.port));
    if (!sock) return;
    const seen = new Set<object>();
    for (const l of config.listeners) {
      for (const b of l.blocks) {
        if (seen.has(b) || !b.loop) continue;
        seen.add(b);
        const zone = b.zones[0] ?? ".";
        queryOnce({
          host: sock.host,
          port: sock.port,
          name: loopProbeName(zone),
          type: "HINFO",
          timeoutMs: 5000,
        }).catch(() => undefined);
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
    this.logPlain(`[INFO] ${renderedLogLine()}`);
    this.logPlain(`[INFO] Using config file:\n${rendered.replace(/\n$/, "")}`);
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
      await this.openSockets(config);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logPlain(`[ERROR] Restart failed: ${message}`);
      this.logPlain(
        `[ERROR] plugin/reload: Corefile changed but reload failed: starting with listener file descriptors: ${message}`,
      );
      this.metrics.reloadFailed();
      // Whatever the failed attempt opened beyond the running config goes again.
      await this.openSockets(engine.config).catch(() => undefined);
      return;
    }
    this.engine = this.newEngine(config);
    this.metrics.resetPluginEnabled();
    this.engine.reportPluginsEnabled();
    if (config.reload) this.logRunningConfiguration(text);
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
    this.logPlain("[INFO] SIGTERM: Shutting down servers then terminating");
    this.logPlain("[INFO] Tearing down");
    this.logPlain("[WARNING] Exiting iptables/interface check goroutine");
    await this.closeSockets();
    this.pool.close();
    this.engine = null;
    this.phase = { phase: "exited", exitCode: 0, reason: "Completed", finishedAt: new Date() };
  }
}

function listenerKey(host: string, corefilePort: number): string {
  return `${host}|${corefilePort}`;
}

/** Go's net error for a failed listen, e.g. "listen tcp 169.254.20.10:53: bind: address already in use". */
function bindErrorText(err: unknown, address = "", port = 53): string {
  if (err instanceof CorednsConfigError) return err.message;
  const e = err as NodeJS.ErrnoException;
  const what =
    e?.code === "EADDRINUSE"
      ? "bind: address already in use"
      : e?.code === "EADDRNOTAVAIL"
        ? "bind: cannot assign requested address"
        : String(e?.message ?? err);
  return `listen tcp ${address}:${port}: ${what}`;
}
