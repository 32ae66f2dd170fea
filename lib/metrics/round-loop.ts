import { setMaxListeners } from "node:events";

/**
 * Every request of a round listens on the loop's one signal (32 scrapes at once by default, and as
 * many as DASHBOARD_SCRAPE_CONCURRENCY allows): no limit, so Node does not warn of a leak.
 */
function loopController(): AbortController {
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  return c;
}

/**
 * The periodic loop every metrics source runs: one round (a scrape of every pod, or the engine's
 * handful of queries) every `intervalMs`, never two at once (a round asked for while one runs joins
 * it), and a stop that aborts what is in flight and waits for the round to end. The owner of every
 * timer and request a source makes.
 */
export class RoundLoop {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private controller = loopController();
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly doRound: (signal: AbortSignal) => Promise<void>,
  ) {}

  /** Aborted when the loop stops: pass it to every request a round makes. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.controller.signal.aborted) this.controller = loopController();
    const tick = async () => {
      if (!this.running) return;
      const started = Date.now();
      await this.round();
      if (!this.running) return;
      this.timer = setTimeout(tick, Math.max(0, this.intervalMs - (Date.now() - started)));
    };
    void tick();
  }

  /** Stops the loop and aborts requests in flight; resolves when the round has ended. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.controller.abort();
    await this.inFlight;
  }

  /** One round now, or the one already running. */
  round(): Promise<void> {
    this.inFlight ??= this.doRound(this.controller.signal).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }
}

/**
 * The lifecycle every metrics source shares (MetricsStore's start, stop, refresh, and round for
 * tests and benchmarks), run by one RoundLoop; a source supplies only what one round does.
 */
export abstract class PeriodicSource {
  /** The loop that owns every timer and request of this source. */
  protected readonly loop: RoundLoop;

  constructor(intervalMs: number) {
    this.loop = new RoundLoop(intervalMs, () => this.doRound());
  }

  /** One round: read every node once; pass `this.loop.signal` to every request. */
  protected abstract doRound(): Promise<void>;

  start(): void {
    this.loop.start();
  }

  /** Stops the loop and aborts the requests in flight; resolves when the round has ended. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  refresh(): Promise<void> {
    return this.loop.round();
  }

  /** One round now (or the one running). Exposed for tests and benchmarks. */
  round(): Promise<void> {
    return this.loop.round();
  }
}
