/**
 * forward's upstream health checking (plugin/forward health.go, proxy.go): after a failed exchange
 * the upstream is probed with `. IN NS` until a probe succeeds; every failed probe counts a
 * healthcheck failure, and `max_fails` (2) consecutive ones mark it down. While every upstream is
 * down, forward picks one at random ("healthcheck broken").
 *
 * CoreDNS probes every 0.5 s; here every second, backing off while down (see `interval`), so a
 * thousand pods with a dead upstream stay cheap. Nothing runs while upstreams are healthy.
 */
import type { ForwardTarget } from "./config";
import type { ForwardPool } from "./forward";
import { buildQuery, encodeMessage, RRType } from "./wire";

const MAX_FAILS = 2;
const PROBE_INTERVAL_MS = 1000;
const MAX_PROBE_INTERVAL_MS = 8000;
const PROBE_TIMEOUT_MS = 1000;

interface TargetHealth {
  fails: number;
  probing: boolean;
  waiters: (() => void)[];
  /** When the failures that started this probe loop began, and whether they were refusals. */
  since: number;
  refused: boolean;
}

/** What the pod wants to hear about: failed probes, and an upstream being marked down. */
export interface HealthEvents {
  probeFailed(target: ForwardTarget): void;
  /**
   * `max_fails` reached. `refusedForMs` > 0 when the upstream refused connections from the first
   * failure on: forward re-dialled it in a tight loop all that time (a burst of conn-cache misses).
   */
  markedDown(target: ForwardTarget, proto: "udp" | "tcp", refusedForMs: number): void;
}

export class UpstreamHealth {
  private readonly state = new Map<string, TargetHealth>();
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly pool: ForwardPool,
    private readonly events: HealthEvents,
  ) {}

  private of(t: ForwardTarget): TargetHealth {
    const key = `${t.label}|${t.host}:${t.port}`;
    let s = this.state.get(key);
    if (!s) {
      s = { fails: 0, probing: false, waiters: [], since: 0, refused: false };
      this.state.set(key, s);
    }
    return s;
  }

  /** Marked down: `max_fails` consecutive probes failed. */
  isDown(t: ForwardTarget): boolean {
    return this.of(t).fails >= MAX_FAILS;
  }

  /** Starts probing `t` after a failed exchange (no-op while a probe loop runs already). */
  trigger(t: ForwardTarget, proto: "udp" | "tcp", refused: boolean): void {
    const s = this.of(t);
    if (s.probing || this.closed) return;
    s.probing = true;
    s.since = Date.now();
    s.refused = refused;
    void this.probeLoop(t, proto, s);
  }

  /** Resolves true after the next probe of `t` completes; false at once if none is running. */
  whenChecked(t: ForwardTarget): Promise<boolean> {
    const s = this.of(t);
    if (!s.probing || this.closed) return Promise.resolve(false);
    return new Promise((resolve) => s.waiters.push(() => resolve(true)));
  }

  private async probeLoop(t: ForwardTarget, proto: "udp" | "tcp", s: TargetHealth): Promise<void> {
    while (!this.closed) {
      const probe = encodeMessage(buildQuery({ id: 0, name: ".", type: RRType.NS, rd: false }));
      const ok = await this.pool.exchange(t, proto, probe, PROBE_TIMEOUT_MS).then(
        () => true,
        () => false,
      );
      if (ok) s.fails = 0;
      else {
        s.fails++;
        this.events.probeFailed(t);
        if (s.fails === MAX_FAILS) this.events.markedDown(t, proto, s.refused ? Date.now() - s.since : 0);
      }
      const waiters = s.waiters.splice(0);
      for (const w of waiters) w();
      if (ok || this.closed) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, this.interval(s.fails));
        this.timers.add(timer);
      });
    }
    s.probing = false;
    for (const w of s.waiters.splice(0)) w();
  }

  /**
   * CoreDNS probes a down upstream every 0.5 s for as long as it is down. Here: every second until it
   * is marked down, then backing off to 8 s, so a long outage on every simulated node stays cheap.
   */
  private interval(fails: number): number {
    return Math.min(MAX_PROBE_INTERVAL_MS, PROBE_INTERVAL_MS * 2 ** Math.max(0, fails - MAX_FAILS));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.state.values()) for (const w of s.waiters.splice(0)) w();
  }
}
