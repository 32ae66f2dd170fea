/**
 * Measurements taken inside the page (Chromium, through playwright-core): how long from a user's input
 * event to the DOM showing its result, and the main thread's own busy time (CDP Performance metrics).
 * Times are the page's clock (`performance.now()`, `Event.timeStamp`), so the CDP round trips of the
 * driver are not in them.
 */
import type { CDPSession, Page } from "playwright-core";

/** What the DOM must show for an input to count as applied. */
export type Applied =
  /** The node table's first row is this node. */
  | { firstRow: string }
  /** The node table holds this many rows (its `data-rows`, all rows, not only those in the DOM). */
  | { rowCount: number };

export interface InputTiming {
  /** Input event → the DOM shows the result. */
  domMs: number;
  /** Input event → the second animation frame after that, i.e. the frame showing it has been produced. */
  frameMs: number;
}

/**
 * Installed before the page's own scripts (`page.addInitScript`). Plain JavaScript in a string: tsx
 * wraps the functions of a TypeScript source in `__name(…)`, which does not exist in the page.
 *
 * - every long task (≥ 50 ms) the page runs, for counting later;
 * - `arm(trigger, applied, timeoutMs)`: a one-shot watch; the next `trigger` event (captured at the
 *   document) starts the clock, the first DOM mutation after it that shows `applied` stops it;
 * - `overviewReady(total)`, `nodePageReady()`: `performance.now()` (ms since navigation start) once the
 *   page shows what a person came for, else false (for `waitForFunction`).
 */
export const PAGE_SCRIPT = `
window.__bench = {
  longTasks: [],
  timing: null,
  arm(trigger, applied, timeoutMs) {
    this.timing = new Promise((resolve) => {
      let t0 = null;
      const shows = () =>
        "firstRow" in applied
          ? document.querySelector("tbody tr[data-node]")?.getAttribute("data-node") === applied.firstRow
          : document.querySelector("[data-rows]")?.getAttribute("data-rows") === String(applied.rowCount);
      const onTrigger = (e) => {
        t0 = e.timeStamp;
        document.removeEventListener(trigger, onTrigger, true);
      };
      document.addEventListener(trigger, onTrigger, true);
      let timer = null;
      const observer = new MutationObserver(() => {
        if (t0 === null || !shows()) return;
        const start = t0;
        const dom = performance.now() - start;
        observer.disconnect();
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            clearTimeout(timer);
            resolve({ domMs: dom, frameMs: performance.now() - start });
          }),
        );
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      timer = setTimeout(() => {
        observer.disconnect();
        resolve(null);
      }, timeoutMs);
    });
  },
  overviewReady(total) {
    const count = document.querySelector('[data-testid="shown-count"]')?.textContent;
    const ratio = document.querySelector('tbody tr[data-node] td[data-field="hitRatio"]')?.textContent ?? "";
    const sortable = document.querySelector("thead th button");
    return count === total + " nodes" && /\\d/.test(ratio) && sortable ? performance.now() : false;
  },
  nodePageReady() {
    const hits = document.querySelector('[data-stat="Hits"]')?.textContent ?? "";
    return /\\d/.test(hits) && document.querySelector("figure.chart svg") ? performance.now() : false;
  },
};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
}).observe({ type: "longtask", buffered: true });
`;

/**
 * Arm a one-shot input timing in the page (PAGE_SCRIPT's `arm`), then do the input and `await` the
 * returned function. Null when the DOM did not show `applied` within `timeoutMs`.
 */
export async function armInputTiming(
  page: Page,
  trigger: "click" | "keydown",
  applied: Applied,
  timeoutMs = 15_000,
): Promise<() => Promise<InputTiming | null>> {
  await page.evaluate(
    ({ trigger, applied, timeoutMs }) =>
      (window as unknown as { __bench: PageBench }).__bench.arm(trigger, applied, timeoutMs),
    {
      trigger,
      applied,
      timeoutMs,
    },
  );
  return () => page.evaluate(() => (window as unknown as { __bench: PageBench }).__bench.timing);
}

/** PAGE_SCRIPT's object. Only ever called inside arrow functions handed to the page, never in Node. */
interface PageBench {
  longTasks: { start: number; duration: number }[];
  timing: Promise<InputTiming | null>;
  arm(trigger: string, applied: Applied, timeoutMs: number): void;
  overviewReady(total: number): number | false;
  nodePageReady(): number | false;
}
// The functions handed to `page.evaluate`/`waitForFunction` here are sent as their source text:
// single arrow expressions that name nothing from Node (tsx wraps named inner functions in a
// `__name` helper the page lacks), and never a string (the dashboard's CSP forbids eval, which
// Playwright's waitForFunction uses for one).

/** Ms since navigation start at which the overview showed all `total` rows counted, numbers, sort buttons. */
export async function overviewReadyAt(page: Page, total: number, timeoutMs: number): Promise<number> {
  const at = await page.waitForFunction(
    (total) => (window as unknown as { __bench: PageBench }).__bench.overviewReady(total),
    total,
    { polling: "raf", timeout: timeoutMs },
  );
  return (await at.jsonValue()) as number;
}

/** Ms since navigation start at which a node page showed its numbers and a chart. */
export async function nodePageReadyAt(page: Page, timeoutMs: number): Promise<number> {
  const at = await page.waitForFunction(
    () => (window as unknown as { __bench: PageBench }).__bench.nodePageReady(),
    undefined,
    { polling: "raf", timeout: timeoutMs },
  );
  return (await at.jsonValue()) as number;
}

/** `performance.now()` in the page. */
export function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Seconds of main-thread work so far (CDP `Performance.getMetrics`: tasks, and scripts within them). */
export async function mainThreadSeconds(cdp: CDPSession): Promise<{ task: number; script: number }> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return { task: get("TaskDuration"), script: get("ScriptDuration") };
}

/** The long tasks that started at or after `since` (page clock). */
export async function longTasksSince(page: Page, since: number): Promise<{ count: number; maxMs: number }> {
  const tasks = await page.evaluate(() => (window as unknown as { __bench: PageBench }).__bench.longTasks);
  const recent = tasks.filter((t) => t.start >= since);
  return { count: recent.length, maxMs: Math.round(Math.max(0, ...recent.map((t) => t.duration))) };
}

/** Self time per function in a CDP CPU profile, largest first (what dominates the main thread). */
export function topSelfTime(
  profile: {
    nodes: {
      id: number;
      callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
    }[];
    samples?: number[];
    timeDeltas?: number[];
  },
  n = 15,
): { fn: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i] as number);
    if (!node) continue;
    const f = node.callFrame;
    // Line and column: minified chunks are one or two lines long.
    const at = `${f.lineNumber + 1}${f.columnNumber !== undefined ? `:${f.columnNumber + 1}` : ""}`;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop() ?? ""}:${at}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  return [...self.entries()]
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n);
}

/** A Chrome trace event, as `browser.stopTracing()` returns them (times in µs). */
export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { data?: { url?: string; requestId?: string } };
}

/**
 * Main-thread work each response of `urlPart` set off, from a trace with the devtools.timeline
 * categories: the top-level tasks (RunTask) of the thread that made the requests, from the response's
 * arrival on while each task starts within `gapMs` of the previous one's end (fetch, JSON, merging,
 * React's render and commit, style and layout follow each other closely); a later timer (the page's
 * 1 s clock, the charts' own polling) is not counted. One figure per response, in ms.
 */
export function workAfterResponses(events: TraceEvent[], urlPart: string, gapMs = 30): number[] {
  const sent = events.filter((e) => e.name === "ResourceSendRequest" && e.args?.data?.url?.includes(urlPart));
  const thread = sent[0];
  if (!thread) return [];
  const ids = new Set(sent.map((e) => e.args?.data?.requestId));
  const arrivals = events
    .filter((e) => e.name === "ResourceReceiveResponse" && ids.has(e.args?.data?.requestId))
    .map((e) => e.ts)
    .sort((a, b) => a - b);
  const tasks = events
    .filter((e) => e.name === "RunTask" && e.ph === "X" && e.pid === thread.pid && e.tid === thread.tid)
    .sort((a, b) => a.ts - b.ts);
  return arrivals.map((at) => {
    let i = tasks.findIndex((t) => t.ts + (t.dur ?? 0) >= at);
    if (i < 0) return 0;
    let busy = 0;
    let end = at;
    for (; i < tasks.length; i++) {
      const t = tasks[i] as TraceEvent;
      if (t.ts - end > gapMs * 1000) break;
      busy += (t.ts + (t.dur ?? 0) - Math.max(t.ts, at)) / 1000;
      end = Math.max(end, t.ts + (t.dur ?? 0));
    }
    return busy;
  });
}
