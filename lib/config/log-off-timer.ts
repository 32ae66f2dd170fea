import "server-only";

/** A pending "turn query logging off again" and how the last attempt went. */
export interface LogOffState {
  /** ISO time logging will be turned off. */
  at: string;
  /** The blocks it was turned on for, as the edits named them ("*" = all). */
  blocks: string[];
  /** Who turned it on. */
  requestedBy: string;
  /** The last failed attempt to turn it off, if any (it is retried). */
  error: string | null;
}

/**
 * Remembers when timed query logging must be turned off and runs the turn-off then. Held in memory
 * only: if the dashboard restarts before the deadline, logging stays on (the Config page then shows
 * `log` on with no deadline). A failed turn-off is retried every `retryMs` until it succeeds.
 */
export class LogOffTimer {
  private state: LogOffState | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly turnOff: (state: LogOffState) => Promise<void>,
    private readonly retryMs = 30_000,
  ) {}

  /** Replaces any pending deadline (a newer "log on for N minutes" wins). */
  schedule(at: Date, blocks: string[], requestedBy: string): void {
    this.cancel();
    this.state = { at: at.toISOString(), blocks, requestedBy, error: null };
    this.arm(Math.max(0, at.getTime() - Date.now()));
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.state = null;
  }

  pending(): LogOffState | null {
    return this.state ? { ...this.state } : null;
  }

  private arm(delayMs: number): void {
    // Node's timers overflow past 2^31-1 ms; the longest log is a day, well below.
    this.timer = setTimeout(() => void this.fire(), delayMs);
    this.timer.unref();
  }

  private async fire(): Promise<void> {
    const state = this.state;
    if (!state) return;
    try {
      await this.turnOff(state);
      if (this.state === state) this.cancel();
    } catch (err) {
      if (this.state !== state) return;
      state.error = err instanceof Error ? err.message : String(err);
      this.arm(this.retryMs);
    }
  }
}
