import { describe, expect, it } from "vitest";
import { DashboardError } from "@/lib/errors";
import { ConfigRequestError, MAX_INT_SETTING, parseApplyBody, parsePreviewBody } from "@/lib/config/intents";

/** The problems a rejected body produces, or fails the test when it is accepted. */
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigRequestError);
    expect(e).toBeInstanceOf(DashboardError);
    expect((e as ConfigRequestError).status).toBe(422);
    return (e as ConfigRequestError).problems;
  }
  throw new Error("expected the body to be rejected");
}

describe("parsePreviewBody", () => {
  it("accepts every edit kind and keeps them in order", () => {
    const body = parsePreviewBody({
      resourceVersion: "123",
      edits: [
        { op: "setLog", block: "cluster.local:53", on: true },
        { op: "setCache", block: "*", tier: "denial", capacity: 1000, maxTtl: 5, minTtl: 0 },
        { op: "setCacheTtl", block: ".:53", ttl: 60 },
      ],
    });
    expect(body).toEqual({
      resourceVersion: "123",
      edits: [
        { op: "setLog", block: "cluster.local:53", on: true },
        { op: "setCache", block: "*", tier: "denial", capacity: 1000, maxTtl: 5, minTtl: 0 },
        { op: "setCacheTtl", block: ".:53", ttl: 60 },
      ],
    });
  });

  it("accepts a raw Corefile", () => {
    expect(parsePreviewBody({ resourceVersion: "7", corefile: ".:53 {\n}\n" })).toEqual({
      resourceVersion: "7",
      corefile: ".:53 {\n}\n",
    });
  });

  it("accepts logFor with an edit that turns log on", () => {
    const body = parsePreviewBody({
      resourceVersion: "1",
      edits: [{ op: "setLog", block: "*", on: true }],
      logFor: { minutes: 15 },
    });
    expect(body.logFor).toEqual({ minutes: 15 });
  });

  it("needs exactly one of edits and corefile", () => {
    expect(problems(() => parsePreviewBody({ resourceVersion: "1" }))).toEqual([
      'send "edits" (a list of intents) or "corefile" (the whole text)',
    ]);
    expect(problems(() => parsePreviewBody({ resourceVersion: "1", corefile: "x", edits: [] }))).toEqual([
      'send either "edits" or "corefile", not both',
    ]);
    expect(problems(() => parsePreviewBody({ resourceVersion: "1", edits: [] }))).toEqual([
      "edits: edits must hold at least one edit",
    ]);
  });

  it("names a missing resourceVersion and says where to get one", () => {
    expect(problems(() => parsePreviewBody({ corefile: "x" }))).toEqual([
      "resourceVersion: resourceVersion is required: send the one GET /api/config returned",
    ]);
    expect(problems(() => parsePreviewBody({ resourceVersion: "", corefile: "x" }))).toEqual([
      "resourceVersion: resourceVersion must not be empty: send the one GET /api/config returned",
    ]);
  });

  it("locates bad numbers by their path", () => {
    const got = problems(() =>
      parsePreviewBody({
        resourceVersion: "1",
        edits: [
          { op: "setCache", block: "a", tier: "success", capacity: 1.5 },
          { op: "setCacheTtl", block: "a", ttl: 0 },
          { op: "setCache", block: "a", tier: "success", maxTtl: MAX_INT_SETTING + 1 },
          { op: "setCache", block: "a", tier: "denial", minTtl: -1 },
          { op: "setCache", block: "a", tier: "denial", capacity: "10" },
        ],
      }),
    );
    expect(got).toEqual([
      "edits[0].capacity: capacity must be a whole number",
      "edits[1].ttl: ttl must be at least 1",
      `edits[2].maxTtl: maxTtl must be at most ${MAX_INT_SETTING}`,
      "edits[3].minTtl: minTtl must be at least 0",
      "edits[4].capacity: capacity must be a number",
    ]);
  });

  it("rejects a setCache that changes nothing, and minTtl above maxTtl", () => {
    expect(
      problems(() =>
        parsePreviewBody({ resourceVersion: "1", edits: [{ op: "setCache", block: "a", tier: "success" }] }),
      ),
    ).toEqual(["edits[0]: setCache needs at least one of capacity, maxTtl, minTtl"]);
    expect(
      problems(() =>
        parsePreviewBody({
          resourceVersion: "1",
          edits: [{ op: "setCache", block: "a", tier: "success", maxTtl: 5, minTtl: 10 }],
        }),
      ),
    ).toEqual(["edits[0]: minTtl must not be greater than maxTtl"]);
  });

  it("names unknown ops, tiers and fields (typos are caught, not ignored)", () => {
    const got = problems(() =>
      parsePreviewBody({
        resourceVersion: "1",
        edits: [
          { op: "setCapacity", block: "a" },
          { op: "setCache", block: "a", tier: "hits", capacity: 5 },
          { op: "setCache", block: "a", tier: "success", capcity: 5, capacity: 6 },
          { op: "setLog", block: "", on: "yes" },
        ],
      }),
    );
    expect(got).toEqual([
      'edits[0].op: op must be one of "setLog", "setCache", "setCacheTtl"',
      'edits[1].tier: tier must be "success" or "denial"',
      'edits[2]: unknown field "capcity"',
      'edits[3].block: block must not be empty: use a key as written, e.g. "cluster.local:53", or "*" for all',
      "edits[3].on: on must be true or false",
    ]);
  });

  it("refuses logFor without a log-on edit, and out-of-range minutes", () => {
    expect(
      problems(() =>
        parsePreviewBody({
          resourceVersion: "1",
          edits: [{ op: "setLog", block: "*", on: false }],
          logFor: { minutes: 5 },
        }),
      ),
    ).toEqual([
      'logFor: logFor needs an edit that turns logging on: { "op": "setLog", "block": ..., "on": true }',
    ]);
    expect(
      problems(() =>
        parsePreviewBody({
          resourceVersion: "1",
          edits: [{ op: "setLog", block: "*", on: true }],
          logFor: { minutes: 0 },
        }),
      ),
    ).toEqual(["logFor.minutes: logFor.minutes must be at least 1"]);
    expect(
      problems(() => parsePreviewBody({ resourceVersion: "1", corefile: "x", logFor: { minutes: 2000 } })),
    ).toEqual([
      "logFor.minutes: logFor.minutes must be at most 1440 (a day)",
      'logFor: logFor needs an edit that turns logging on: { "op": "setLog", "block": ..., "on": true }',
    ]);
  });

  it("refuses a restart flag on preview and non-object bodies", () => {
    expect(problems(() => parsePreviewBody({ resourceVersion: "1", corefile: "x", restart: true }))).toEqual([
      'unknown field "restart"',
    ]);
    expect(problems(() => parsePreviewBody(null))[0]).toMatch(/must be a JSON object/);
    expect(problems(() => parsePreviewBody([]))[0]).toMatch(/must be a JSON object/);
    expect(problems(() => parsePreviewBody("x"))[0]).toMatch(/must be a JSON object/);
  });

  it("puts every problem in the error's message", () => {
    try {
      parsePreviewBody({ resourceVersion: 5, edits: "x" });
    } catch (e) {
      expect((e as Error).message).toBe(
        "the request body is not a valid config change: " +
          "resourceVersion: resourceVersion is required: send the one GET /api/config returned; " +
          "edits: edits must be a list",
      );
      expect((e as ConfigRequestError).details).toEqual({ problems: (e as ConfigRequestError).problems });
    }
  });
});

describe("parseApplyBody", () => {
  it("defaults restart to false and keeps it when sent", () => {
    expect(parseApplyBody({ resourceVersion: "9", corefile: "x" })).toEqual({
      resourceVersion: "9",
      corefile: "x",
      restart: false,
    });
    expect(
      parseApplyBody({
        resourceVersion: "9",
        edits: [{ op: "setLog", block: "*", on: true }],
        restart: true,
        logFor: { minutes: 30 },
      }),
    ).toEqual({
      resourceVersion: "9",
      edits: [{ op: "setLog", block: "*", on: true }],
      restart: true,
      logFor: { minutes: 30 },
    });
  });

  it("checks restart's type", () => {
    expect(problems(() => parseApplyBody({ resourceVersion: "9", corefile: "x", restart: "yes" }))).toEqual([
      "restart: restart must be true or false",
    ]);
  });
});
