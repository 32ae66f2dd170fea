/**
 * One log line as every browser receives it: parsed once when it arrives, its SSE bytes encoded at
 * most once, and each distinct filter's verdict computed at most once — however many browsers
 * follow the same pod. Pure.
 */
import type { FollowedLine } from "./follower";
import type { CompiledLogFilter } from "./filter";
import { logLineEventJson } from "./event-json";
import { parseCorednsLogLine } from "./parse";
import type { LogLineEvent } from "./types";

export class SharedLogLine {
  private parsed: LogLineEvent | null = null;
  /** The verdict of the first filter asked (nearly always the only one), then of any others. */
  private firstKey: string | null = null;
  private firstVerdict = false;
  private verdicts: Map<string, boolean> | null = null;
  private encoded: Uint8Array | null = null;

  constructor(private readonly line: FollowedLine) {}

  /**
   * The parsed line, parsed on first use: a stream whose filter takes every line parses it only when
   * it sends it, so a line waiting in its queue is its text alone and not the parsed fields (lines
   * kept for a flush interval outlive the young generation, and copying them was most of the GC).
   */
  get event(): LogLineEvent {
    this.parsed ??= this.parse();
    return this.parsed;
  }

  private parse(): LogLineEvent {
    const { node, pod, time, text } = this.line;
    return { node, pod, time, line: parseCorednsLogLine(text) };
  }

  /** Whether the line passes `filter`; streams with equal filters share one evaluation. */
  matches(filter: CompiledLogFilter): boolean {
    if (filter.matchesEvery) return true;
    const { key } = filter;
    if (this.firstKey === null) {
      this.firstKey = key;
      return (this.firstVerdict = filter.matches(this.event.line));
    }
    if (key === this.firstKey) return this.firstVerdict;
    this.verdicts ??= new Map();
    let v = this.verdicts.get(key);
    if (v === undefined) this.verdicts.set(key, (v = filter.matches(this.event.line)));
    return v;
  }

  /**
   * The `event: line` SSE frame, encoded once and shared by every stream that sends it. Buffer.from
   * takes a frame this small out of Node's shared pool, where TextEncoder allocates a buffer per line
   * (and one Buffer.from of a whole flush measured slower than one per line).
   */
  sseBytes(): Uint8Array {
    if (this.encoded === null) {
      // Parsed only to be encoded, the fields are not kept: a flush encodes thousands of lines at
      // once, and fields kept until the flush ends would outlive the young generation.
      const event = this.parsed ?? this.parse();
      this.encoded = Buffer.from(`event: line\ndata: ${logLineEventJson(event)}\n\n`);
    }
    return this.encoded;
  }
}
