import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import {
  CHOOSABLE_LOG_COLUMNS,
  DEFAULT_HIDDEN_LOG_COLUMNS,
  LOG_COLUMNS,
  LogTable,
} from "@/components/logs/log-table";

const headers = (html: string) => [...html.matchAll(/data-column="([a-z]+)"/g)].map((m) => m[1]);

describe("the Logs table's columns", () => {
  it("by default shows Rcode, Flags, Resp and Duration and hides the wire details, within 900 px", () => {
    const html = renderToStaticMarkup(createElement(LogTable, { rows: [] }));
    expect(headers(html)).toEqual([
      "time",
      "node",
      "client",
      "type",
      "name",
      "rcode",
      "flags",
      "resp",
      "duration",
    ]);
    const minWidth = Number(/min-width:(\d+)px/.exec(html)?.[1]);
    // Beside the 300 px summary column at 1280 px, the table has about 900 px.
    expect(minWidth).toBeLessThanOrEqual(880);
    expect(DEFAULT_HIDDEN_LOG_COLUMNS).toEqual(["id", "class", "proto", "size", "do", "buf"]);
  });

  it("shows exactly the columns not hidden, Time always, and grows its minimum width with them", () => {
    const all = renderToStaticMarkup(createElement(LogTable, { rows: [], hidden: new Set<string>() }));
    expect(headers(all)).toEqual(LOG_COLUMNS.map((c) => c.id));
    const few = renderToStaticMarkup(
      createElement(LogTable, { rows: [], hidden: new Set(["time", "flags", "client", "node"]) }),
    );
    expect(headers(few)).toEqual([
      "time",
      "id",
      "type",
      "class",
      "name",
      "proto",
      "size",
      "do",
      "buf",
      "rcode",
      "resp",
      "duration",
    ]);
    const width = (html: string) => Number(/min-width:(\d+)px/.exec(html)?.[1]);
    expect(width(all)).toBe(LOG_COLUMNS.reduce((w, c) => w + c.width, 12));
    expect(width(few)).toBeLessThan(width(all));
    expect(CHOOSABLE_LOG_COLUMNS.map((c) => c.id)).not.toContain("time");
  });
});
