/**
 * Rate-limits failure logs: of a run of consecutive failures for one key (a node, the API server),
 * only the first is worth a line, and so is the recovery that ends it. Pure state, no I/O.
 */

/** What a result means for the log: a run of failures began, it ended, or nothing new. */
export type FailureTransition = "failing" | "recovered" | null;

export class FailureRuns {
  private readonly failing = new Map<string, number>();

  /** Record a result for `key`; says whether it starts or ends a run of failures. */
  record(key: string, failed: boolean): FailureTransition {
    const run = this.failing.get(key);
    if (failed) {
      this.failing.set(key, (run ?? 0) + 1);
      return run === undefined ? "failing" : null;
    }
    if (run === undefined) return null;
    this.failing.delete(key);
    return "recovered";
  }

  /** Failures in the current run for `key` (0 when it is healthy). */
  failures(key: string): number {
    return this.failing.get(key) ?? 0;
  }

  /** Forget a key (a node that left the cluster), so a later failure logs again. */
  forget(key: string): void {
    this.failing.delete(key);
  }
}
