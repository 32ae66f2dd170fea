/**
 * Every socket of one simulated CoreDNS process: the DNS listeners of the running config, /metrics
 * and /health. A reload keeps the listeners both configs share (CoreDNS hands its listener file
 * descriptors to the new instance), opens new ones and closes the rest.
 */
import { podIPOf, type PodRuntimeSpec } from "../runtime";
import { CorednsConfigError, standInFor, type ListenerConfig, type PodConfig } from "./config";
import { startHealthEndpoint, startMetricsEndpoint, type HttpEndpoint } from "./http";
import { listenErrorText } from "./lifecycle-log";
import { startDnsListener, type DnsHandler, type DnsListener } from "./transport";

/** Identifies a listener across configs: its loopback address and Corefile port. */
export function listenerKey(l: Pick<ListenerConfig, "host" | "port">): string {
  return `${l.host}|${l.port}`;
}

export class PodSockets {
  private readonly dns = new Map<string, DnsListener>();
  private metrics: HttpEndpoint | null = null;
  private health: HttpEndpoint | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  /**
   * @param handlerFor the query handler for a listener key; it should look the current config up at
   *   query time, so a reload takes effect without reopening sockets.
   */
  constructor(
    private readonly spec: PodRuntimeSpec,
    private readonly handlerFor: (key: string) => DnsHandler,
    private readonly renderMetrics: () => string,
    /** UDP-only DNS and no /health listener (see LeanSockets in pod.ts). */
    private readonly lean = false,
  ) {}

  /** The socket for a listener of the running config. */
  listener(l: Pick<ListenerConfig, "host" | "port">): DnsListener | undefined {
    return this.dns.get(listenerKey(l));
  }

  metricsEndpoint(): HttpEndpoint | null {
    return this.metrics;
  }

  healthEndpoint(): HttpEndpoint | null {
    return this.health;
  }

  /** The real port for a Corefile port: ephemeral in tests (dnsPort 0), else dnsPort stands in for 53. */
  private dnsPortFor(corefilePort: number): number {
    if (this.spec.dnsPort === 0) return 0;
    return corefilePort === 53 ? this.spec.dnsPort : corefilePort;
  }

  /** Opens what `config` needs and is not open; closes DNS listeners it no longer has. Throws CorednsConfigError. */
  sync(config: PodConfig): Promise<void> {
    return this.serially(() => (this.closed ? Promise.resolve() : this.doSync(config)));
  }

  /** sync and closeAll never overlap: a stop during a reload must not leave the reload's sockets open. */
  private serially(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async doSync(config: PodConfig): Promise<void> {
    const wanted = new Set(config.listeners.map(listenerKey));
    for (const [key, sock] of this.dns) {
      if (wanted.has(key)) continue;
      this.dns.delete(key);
      await sock.close();
    }
    await Promise.all(
      config.listeners.map(async (l) => {
        const key = listenerKey(l);
        if (this.dns.has(key)) return;
        try {
          this.dns.set(
            key,
            await startDnsListener(l.host, this.dnsPortFor(l.port), this.handlerFor(key), {
              tcp: !this.lean,
            }),
          );
        } catch (err) {
          throw new CorednsConfigError(listenErrorText(err, l.virtualIP || l.host, l.port));
        }
      }),
    );
    if (config.metrics && !this.metrics) {
      try {
        this.metrics = await startMetricsEndpoint(
          podIPOf(this.spec),
          this.spec.metricsPort,
          this.renderMetrics,
          { closeAfterResponse: this.lean },
        );
      } catch (err) {
        throw new CorednsConfigError(listenErrorText(err, "", 9253));
      }
    }
    if (config.health && !this.health && !this.lean) {
      try {
        this.health = await startHealthEndpoint(this.healthHost(), this.spec.healthPort);
      } catch (err) {
        throw new CorednsConfigError(listenErrorText(err, this.spec.localIPs[0] ?? "", 8080));
      }
    }
  }

  /**
   * `health 169.254.20.10:8080` listens on the link-local stand-in, where the liveness probe looks;
   * off the host network (`health :8080`, `-localip 0.0.0.0`) on the pod IP, where the kubelet probes.
   */
  private healthHost(): string {
    if (this.spec.hostNetwork === false) return podIPOf(this.spec);
    try {
      return standInFor(this.spec, this.spec.localIPs[0] ?? "169.254.20.10", 8080);
    } catch {
      return this.spec.addresses.linkLocal;
    }
  }

  closeAll(): Promise<void> {
    this.closed = true;
    return this.serially(() => this.doCloseAll());
  }

  private async doCloseAll(): Promise<void> {
    const all: { close(): Promise<void> }[] = [...this.dns.values()];
    if (this.metrics) all.push(this.metrics);
    if (this.health) all.push(this.health);
    this.dns.clear();
    this.metrics = this.health = null;
    await Promise.all(all.map((s) => s.close()));
  }
}
