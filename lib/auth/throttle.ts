/**
 * Fixed-window attempt counters per key (a client address, a user name): `limit` attempts per
 * `windowMs`, then refused with how long to wait. Memory is bounded: at most `maxKeys` keys are
 * tracked; past that the oldest window is forgotten (a flood of fresh keys cannot grow memory).
 * Pure apart from the clock passed in.
 */
export class Throttle {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Whether one more attempt for `key` is allowed now; counts it when it is. */
  attempt(key: string, now = Date.now()): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const w = this.current(key, now);
    if (w.count >= this.limit) {
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)),
      };
    }
    w.count++;
    return { allowed: true };
  }

  /** Whether `key` is over its limit now, without counting an attempt. */
  blocked(key: string, now = Date.now()): number | null {
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs || w.count < this.limit) return null;
    return Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
  }

  private current(key: string, now: number): { start: number; count: number } {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      this.windows.delete(key);
      if (this.windows.size >= this.maxKeys) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
      }
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    return w;
  }
}

/**
 * Who a login attempt comes from, for throttling. Route handlers cannot see the peer address; behind
 * an ingress the nearest proxy appends the client's address to X-Forwarded-For, so the last entry is
 * the one a client cannot choose. Without the header (local, port-forward) every attempt shares one key.
 */
export function clientKey(headers: { get(name: string): string | null }): string {
  const xff = headers.get("x-forwarded-for");
  const last = xff?.split(",").at(-1)?.trim();
  return last ? `ip:${last}` : "direct";
}
