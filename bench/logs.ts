/**
 * The live-log pipeline (issue 4): lines per second through parse + filter + SSE encoding to one
 * client reading as fast as it can, at an offered rate of 50,000 lines/s from 100 pods (real CoreDNS
 * log lines from the fixtures, replayed); beside it, in the same run, the parser alone (the ceiling).
 * Then the server's memory with one slow client at the same rate: the bounded per-client buffer must
 * keep it flat (lines are dropped and counted instead).
 *
 *   NODE_OPTIONS=--expose-gc npx tsx --conditions=react-server bench/logs.ts
 */
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { BenchResult } from "./parse";
import { compileLogFilter, logFilterSchema } from "../lib/logs/filter";
import type { LogSource, LogSubscriber } from "../lib/logs/hub";
import { parseCorednsLogLine } from "../lib/logs/parse";
import { SharedLogLine } from "../lib/logs/shared-line";
import { logEventStream, type LogStreamHooks } from "../lib/logs/sse";

const PODS = 100;
/**
 * Lines offered per second to the fast client: the 100,000 lines/s the pipeline must carry (issue 15;
 * the 50,000 offered before could not show it). BENCH_LOG_RATE sets it. Lines it cannot carry are
 * dropped and counted, and "per CPU-second" says what one core of this process carried.
 */
const FAST_RATE = Number(process.env.BENCH_LOG_RATE ?? 100_000);
/** The slow client's offered rate (issue 4's figure, kept comparable). */
const RATE = 50_000;
const SECONDS = 4;

function fixtureLines(): string[] {
  const dir = process.env.COREDNS_FIXTURES ?? path.resolve(__dirname, "../../shared/fixtures/coredns");
  const text = fs.readFileSync(
    path.join(dir, "logs-nodecache-1.22.28-coredns-1.10.0-log-plugin.txt"),
    "utf8",
  );
  return text.split("\n").filter((l) => l.startsWith("[INFO] ") || l.startsWith("[ERROR] "));
}

const NODE_NAMES = Array.from({ length: PODS }, (_, i) => `node-${i}`);
const POD_NAMES = Array.from({ length: PODS }, (_, i) => `node-local-dns-${i}`);

/** 100 pods' worth of log lines at `rate` lines/s, in 10 ms batches, for `seconds`. */
class ReplaySource implements LogSource {
  private subs = new Set<LogSubscriber>();
  offered = 0;
  constructor(private readonly lines: string[]) {}
  subscribe(sub: LogSubscriber): () => void {
    this.subs.add(sub);
    return () => this.subs.delete(sub);
  }
  run(rate: number, seconds: number): Promise<void> {
    const begin = performance.now();
    const end = begin + seconds * 1000;
    let i = 0;
    return new Promise((resolve) => {
      const tick = () => {
        const time = new Date().toISOString();
        // Catch up with the wall clock: timers fire late, the offered rate must not sag.
        const due = Math.min(rate * seconds, Math.round((rate * (performance.now() - begin)) / 1000));
        for (; this.offered < due; i++) {
          const pod = i % PODS;
          // As the hub does: one shared line, whoever listens (a pod's follower names it the same each time).
          const line = new SharedLogLine({
            node: NODE_NAMES[pod] as string,
            pod: POD_NAMES[pod] as string,
            time,
            text: this.lines[i % this.lines.length] as string,
          });
          for (const s of this.subs) s.onLine(line);
          this.offered++;
        }
        if (performance.now() < end) setTimeout(tick, 10);
        else resolve();
      };
      tick();
    });
  }
}

/**
 * Reads a stream as a browser would (every chunk, or one every `delayMs`). The counting is done by the
 * stream's own hooks (lines handed to the response, lines dropped): the client runs on the server's
 * thread here, though a real browser is another process, so it should take as little of it as it can.
 */
async function consume(body: ReadableStream<Uint8Array>, delayMs: number): Promise<void> {
  const reader = body.getReader();
  for (;;) {
    const { done } = await reader.read();
    if (done) return;
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
  }
}

/** Stream hooks that count what a stream sent and dropped. */
function counting(counter: { events: number; dropped: number }): LogStreamHooks {
  return {
    sent: (n) => void (counter.events += n),
    dropped: (n) => void (counter.dropped += n),
  };
}

export async function benchLogs(): Promise<BenchResult[]> {
  const lines = fixtureLines();
  const filter = compileLogFilter(logFilterSchema.parse({}));

  // The ceiling: parsing alone, as fast as possible.
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 1000) {
    for (const l of lines) {
      parseCorednsLogLine(l);
      n++;
    }
  }
  const parseOnly = n / ((performance.now() - t0) / 1000);

  // Fast client: everything offered should arrive.
  const fast = new ReplaySource(lines);
  const ac = new AbortController();
  const fastCount = { events: 0, dropped: 0 };
  const reading = consume(
    logEventStream(fast, filter, ac.signal, { capacity: 50_000, hooks: counting(fastCount) }),
    0,
  );
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  await fast.run(FAST_RATE, SECONDS);
  while (
    fastCount.events + fastCount.dropped < fast.offered &&
    performance.now() - start < (SECONDS + 10) * 1000
  ) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  ac.abort();
  await reading.catch(() => undefined);

  // Slow client: reads one chunk every 500 ms, far behind 50,000 lines/s. What the server still holds
  // for it (after a GC, stream open) must stay bounded by the per-client buffer.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const slow = new ReplaySource(lines);
  const ac2 = new AbortController();
  const slowCount = { events: 0, dropped: 0 };
  const slowReading = consume(logEventStream(slow, filter, ac2.signal, { hooks: counting(slowCount) }), 500);
  await slow.run(RATE, SECONDS);
  gc?.();
  const retained = process.memoryUsage().heapUsed - heap0;
  ac2.abort();
  // Not awaited to the end: a stream aborted while its reader sits between reads never settles its
  // next pull (logEventStream waits on its queue), and with nothing else pending Node would exit.
  await Promise.race([slowReading.catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);

  return [
    {
      name: `log lines/s through parse + filter + SSE to one client (offered ${FAST_RATE}/s from ${PODS} pods for ${SECONDS}s)`,
      value: Math.round(fastCount.events / elapsed),
      unit: "lines/s",
      reference: { name: "parseCorednsLogLine alone", value: Math.round(parseOnly) },
      note:
        `${fastCount.events} of ${fast.offered} delivered${fastCount.dropped ? `, ${fastCount.dropped} dropped` : ""}; ` +
        `per CPU-second of this process (source, pipeline and client on its one thread): ` +
        `${Math.round(fastCount.events / cpuSeconds)} lines`,
    },
    {
      name: `server heap held for one slow client (reads every 500 ms) after ${SECONDS}s at ${RATE} lines/s`,
      value: Math.round((retained / 2 ** 20) * 10) / 10,
      unit: "MiB",
      reference: {
        name: "raw text of the lines offered (what an unbounded buffer would hold at least)",
        value:
          Math.round(
            (((lines.reduce((a, l) => a + l.length, 0) / lines.length) * slow.offered) / 2 ** 20) * 10,
          ) / 10,
      },
      note: `${slowCount.events} delivered, ${slowCount.dropped} dropped and counted`,
    },
  ];
}

if (process.argv[1]?.replace(/\\/g, "/").endsWith("bench/logs.ts")) {
  benchLogs().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
