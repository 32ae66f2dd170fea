import { describe, expect, it } from "vitest";
import { RoundLoop } from "@/lib/metrics/round-loop";

describe("the round loop every metrics source runs", () => {
  it("never runs two rounds at once: a round asked for while one runs joins it", async () => {
    let runs = 0;
    let release: () => void = () => {};
    const loop = new RoundLoop(60_000, () => {
      runs++;
      return new Promise<void>((r) => (release = r));
    });
    const a = loop.round();
    const b = loop.round();
    expect(runs).toBe(1);
    release();
    await Promise.all([a, b]);
    const c = loop.round();
    expect(runs).toBe(2);
    release();
    await c;
  });

  it("stop aborts the round in flight and resolves when it has ended; start runs again with a fresh signal", async () => {
    const seen: AbortSignal[] = [];
    const loop = new RoundLoop(60_000, (signal) => {
      seen.push(signal);
      return new Promise<void>((resolve) =>
        signal.addEventListener("abort", () => resolve(), { once: true }),
      );
    });
    loop.start();
    await new Promise<void>((r) => queueMicrotask(r));
    expect(seen).toHaveLength(1);
    await loop.stop();
    expect(seen[0]!.aborted).toBe(true);
    loop.start();
    await new Promise<void>((r) => queueMicrotask(r));
    expect(seen).toHaveLength(2);
    expect(seen[1]!.aborted).toBe(false);
    await loop.stop();
  });
});
