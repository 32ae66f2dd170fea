/**
 * The per-browser buffer between the log hub and one SSE response: bounded, so a slow browser costs a
 * fixed amount of server memory. When full, new items are counted as dropped and the next read starts
 * with a marker saying how many — the browser shows "N lines dropped" instead of silently missing them.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  private dropped = 0;
  private waiter: (() => void) | null = null;
  private sizeWaiter: { size: number; resolve: () => void } | null = null;

  /** `onDrop` is told of each item dropped, when it is dropped (not when the marker is read). */
  constructor(
    readonly capacity: number,
    private readonly onDrop?: (n: number) => void,
  ) {}

  push(item: T): void {
    if (this.items.length - this.head >= this.capacity) {
      this.dropped++;
      this.onDrop?.(1);
    } else {
      this.items.push(item);
    }
    this.wake();
    const sw = this.sizeWaiter;
    if (sw !== null && this.items.length - this.head >= sw.size) {
      this.sizeWaiter = null;
      sw.resolve();
    }
  }

  /** Resolves when at least `size` items are queued (or `wake()` is called); one waiter at a time. */
  waitForSize(size: number): Promise<void> {
    if (this.size >= size) return Promise.resolve();
    return new Promise((resolve) => (this.sizeWaiter = { size, resolve }));
  }

  /** Everything queued (and how many were dropped before it), emptying the queue. */
  drain(): { dropped: number; items: T[] } {
    const items = this.items.slice(this.head);
    const dropped = this.dropped;
    this.items = [];
    this.head = 0;
    this.dropped = 0;
    return { dropped, items };
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Resolves when something is pushed (or `wake()` is called). */
  wait(): Promise<void> {
    if (this.size > 0 || this.dropped > 0) return Promise.resolve();
    return new Promise((resolve) => (this.waiter = resolve));
  }

  wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Wakes `waitForSize` too (closing the stream). */
  wakeAll(): void {
    this.wake();
    const sw = this.sizeWaiter;
    this.sizeWaiter = null;
    sw?.resolve();
  }
}
