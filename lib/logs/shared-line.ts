/**
 * One log line as every browser receives it: parsed once when it arrives, its SSE bytes encoded at
 * most once, and each distinct filter's verdict computed at most once — however many browsers
 * follow the same pod. Pure.
 */
import type { FollowedLine } from "./follower";
import type { CompiledLogFilter } from "./filter";
import { parseCorednsLogLine } from "./parse";
import type { LogLineEvent } from "./types";

const encoder = new TextEncoder();

export class SharedLogLine {
  readonly event: LogLineEvent;
  private verdicts: Map<string, boolean> | null = null;
  private encoded: Uint8Array | null = null;

  constructor(line: FollowedLine) {
    this.event = { node: line.node, pod: line.pod, time: line.time, line: parseCorednsLogLine(line.text) };
  }

  /** Whether the line passes `filter`; streams with equal filters share one evaluation. */
  matches(filter: CompiledLogFilter): boolean {
    this.verdicts ??= new Map();
    let v = this.verdicts.get(filter.key);
    if (v === undefined) this.verdicts.set(filter.key, (v = filter.matches(this.event.line)));
    return v;
  }

  /** The `event: line` SSE frame, encoded once and shared by every stream that sends it. */
  sseBytes(): Uint8Array {
    this.encoded ??= encoder.encode(`event: line\ndata: ${JSON.stringify(this.event)}\n\n`);
    return this.encoded;
  }
}
