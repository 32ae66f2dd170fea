/**
 * How many log streams may be open at once, in all and per person. Each open stream costs a buffer
 * and a share of every line's delivery; a flood of clients must be refused, not served slowly to
 * everyone. Pure.
 */
export type SlotVerdict = { ok: true; release: () => void } | { ok: false; reason: string };

export class StreamSlots {
  private total = 0;
  private readonly perUser = new Map<string, number>();

  constructor(
    readonly maxTotal: number,
    readonly maxPerUser: number,
  ) {}

  /** A slot for `user`'s new stream; `release` (idempotent) gives it back when the stream ends. */
  acquire(user: string): SlotVerdict {
    const mine = this.perUser.get(user) ?? 0;
    if (mine >= this.maxPerUser) {
      return {
        ok: false,
        reason:
          `${user} already has ${mine} log streams open (the most one person may have, DASHBOARD_LOG_STREAMS_PER_USER): ` +
          "close some Logs tabs, then reconnect",
      };
    }
    if (this.total >= this.maxTotal) {
      return {
        ok: false,
        reason:
          `the dashboard already serves ${this.total} log streams (DASHBOARD_LOG_STREAMS_MAX): ` +
          "try again in a minute, or close Logs tabs you are not reading",
      };
    }
    this.total++;
    this.perUser.set(user, mine + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const n = (this.perUser.get(user) ?? 1) - 1;
        if (n <= 0) this.perUser.delete(user);
        else this.perUser.set(user, n);
      },
    };
  }

  get open(): number {
    return this.total;
  }
}
