/**
 * The Logs page runs the log filter's zod schema in the browser under a CSP without 'unsafe-eval':
 * no `new Function` may happen, not even zod's caught probe for it (the browser reports that as a
 * violation). Function is replaced by a recording proxy; each case loads fresh modules.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

const RealFunction = globalThis.Function;
const g = globalThis as unknown as { window?: unknown; __zod_globalConfig?: { jitless?: boolean } };

function recordFunctionConstruction(): string[] {
  const calls: string[] = [];
  globalThis.Function = new Proxy(RealFunction, {
    construct(target, args: unknown[]) {
      calls.push(String(args[args.length - 1]));
      return Reflect.construct(target, args) as object;
    },
  });
  return calls;
}

afterEach(() => {
  globalThis.Function = RealFunction;
  delete g.window;
  if (g.__zod_globalConfig) delete g.__zod_globalConfig.jitless;
  vi.resetModules();
});

describe("the log filter in the browser", () => {
  it("(control) without the jitless setting, building the schema probes new Function", async () => {
    const calls = recordFunctionConstruction();
    vi.resetModules();
    const { logFilterSchema } = await import("@/lib/logs/filter");
    logFilterSchema.parse({ name: "x" });
    expect(calls.length).toBeGreaterThan(0);
  });

  it("view-filter builds and runs it with no new Function at all", async () => {
    const calls = recordFunctionConstruction();
    g.window = globalThis;
    vi.resetModules();
    const { viewFilterOf } = await import("@/components/logs/view-filter");
    const v = viewFilterOf({ name: "/^svc/", type: "A,AAAA", minDuration: "5", errors: "true" });
    expect("error" in v).toBe(false);
    expect(calls).toEqual([]);
  });
});
