/**
 * Resuming a followed container log without a gap or a duplicate. The kubelet prefixes each line with
 * an RFC3339Nano timestamp (`timestamps=true`) but `sinceTime` only has second precision, so a
 * reconnect asks from the last second seen and this cursor drops what was already delivered: lines
 * older than the last timestamp, and as many lines with exactly that timestamp as were seen. Pure.
 */
export class LogCursor {
  private last: string | null = null;
  private seenAtLast = 0;
  private replaySkip = 0;

  /** `sinceTime` for a reconnect (whole seconds, RFC3339), or null before any line. */
  resumeSinceTime(): string | null {
    if (!this.last) return null;
    return `${this.last.slice(0, 19)}Z`;
  }

  /** Call before reading a resumed stream. */
  beginResume(): void {
    this.replaySkip = this.seenAtLast;
  }

  /** Should this line (with its kubelet timestamp) be delivered? Updates the cursor when it is. */
  accept(timestamp: string | null): boolean {
    if (timestamp === null) return true;
    const ts = normalizeTimestamp(timestamp);
    if (this.last !== null) {
      if (ts < this.last) return false;
      if (ts === this.last) {
        if (this.replaySkip > 0) {
          this.replaySkip--;
          return false;
        }
        this.seenAtLast++;
        return true;
      }
    }
    this.last = ts;
    this.seenAtLast = 1;
    this.replaySkip = 0;
    return true;
  }
}

/** "2026-11-21T22:34:59.5Z" → "2026-11-21T22:34:59.500000000Z", so timestamps compare as strings. */
export function normalizeTimestamp(ts: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return ts;
  const base = m[1] as string;
  const frac = (m[2] ?? "").padEnd(9, "0");
  if (m[3] === "Z") return `${base}.${frac}Z`;
  // Convert an offset to UTC (rare: the kubelet writes UTC).
  const ms = Date.parse(`${base}${m[3]}`);
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}
