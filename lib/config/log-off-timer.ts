import "server-only";
import { samePlan, type LogOffPlan } from "./log-off-plan";

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
 * Runs the turn-off of the plan the ConfigMap's annotation names (log-off-plan.ts) at its deadline,
 * at once when it already passed. `sync` is called with every version of the ConfigMap the dashboard
 * sees: the same plan keeps the timer, a new one replaces it, none cancels it. A failed turn-off is
 * retried every `retryMs` until it succeeds or the plan goes away.
 */
export class LogOffTimer {
  private plan: LogOffPlan | null = null;
  private error: string | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly turnOff: (plan: LogOffPlan) => Promise<void>,
    private readonly retryMs = 30_000,
  ) {}

  sync(plan: LogOffPlan | null): void {
    if (samePlan(this.plan, plan)) return;
    this.cancel();
    if (!plan) return;
    this.plan = plan;
    this.arm(Math.max(0, Date.parse(plan.at) - Date.now()));
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.plan = null;
    this.error = null;
  }

  pending(): LogOffState | null {
    return this.plan ? { ...this.plan, error: this.error } : null;
  }

  private arm(delayMs: number): void {
    // Node's timers overflow past 2^31-1 ms; the longest log is a day, well below.
    this.timer = setTimeout(() => void this.fire(), delayMs);
    this.timer.unref();
  }

  private async fire(): Promise<void> {
    const plan = this.plan;
    if (!plan) return;
    try {
      await this.turnOff(plan);
      if (this.plan === plan) this.cancel();
    } catch (err) {
      if (this.plan !== plan) return;
      this.error = err instanceof Error ? err.message : String(err);
      this.arm(this.retryMs);
    }
  }
}
