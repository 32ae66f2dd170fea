/** A container's output as the kubelet keeps it: append-only lines with their time, followable. */
import type { ContainerLog, LogEntry } from "../runtime";

/** Lines kept per container; older ones go (the kubelet rotates container logs at 10 MiB). */
const MAX_ENTRIES = 50_000;

export class MemoryContainerLog implements ContainerLog {
  private list: LogEntry[] = [];
  private readonly subscribers = new Set<(entry: LogEntry) => void>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  entries(): readonly LogEntry[] {
    return this.list;
  }

  subscribe(onEntry: (entry: LogEntry) => void): () => void {
    this.subscribers.add(onEntry);
    return () => this.subscribers.delete(onEntry);
  }

  /** Appends `text`, one entry per line (a multi-line Go log call becomes several lines, as on disk). */
  write(text: string): void {
    const time = this.now();
    for (const line of text.split("\n")) {
      const entry = { time, text: line };
      this.list.push(entry);
      for (const s of this.subscribers) s(entry);
    }
    // Trim in chunks so appending stays O(1) amortised.
    if (this.list.length > MAX_ENTRIES + MAX_ENTRIES / 5) this.list = this.list.slice(-MAX_ENTRIES);
  }
}
