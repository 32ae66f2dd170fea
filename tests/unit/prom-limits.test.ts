import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePrometheusText, ScrapeLimitError } from "@/lib/prometheus-text/parse";
import { FIXTURES_DIR as FIXTURES } from "../support/fixtures";

function limitError(text: string, opts: Parameters<typeof parsePrometheusText>[1]): ScrapeLimitError {
  try {
    parsePrometheusText(text, opts);
  } catch (err) {
    if (err instanceof ScrapeLimitError) return err;
    throw err;
  }
  throw new Error("expected a ScrapeLimitError");
}

describe("scrape limits", () => {
  const text = "a 1\nb 2\nc 3\n"; // 12 bytes, 3 samples

  it("accepts a body exactly at body_size_limit and rejects one byte over", () => {
    expect(parsePrometheusText(text, { maxBodyBytes: 12 }).samples).toHaveLength(3);
    const err = limitError(text, { maxBodyBytes: 11 });
    expect(err.limit).toBe("body_size_limit");
    expect(err.max).toBe(11);
    expect(err.message).toContain("12 bytes, over the 11-byte limit");
  });

  it("counts the body in UTF-8 bytes, not characters", () => {
    const utf8 = 'a{x="é€😀"} 1\n'; // 14 UTF-16 code units, 19 bytes
    expect(Buffer.byteLength(utf8)).toBe(19);
    expect(parsePrometheusText(utf8, { maxBodyBytes: 19 }).samples).toHaveLength(1);
    expect(limitError(utf8, { maxBodyBytes: 18 }).limit).toBe("body_size_limit");
  });

  it("accepts exactly sample_limit samples and rejects one more", () => {
    expect(parsePrometheusText(text, { maxSamples: 3 }).samples).toHaveLength(3);
    const err = limitError(text, { maxSamples: 2 });
    expect(err.limit).toBe("sample_limit");
    expect(err.message).toContain("more than 2 samples");
  });

  it("applies to a real dump", () => {
    const dump = fs.readFileSync(
      path.join(FIXTURES, "metrics-nodecache-1.22.13-coredns-1.7.0-reload-failed.txt"),
      "utf8",
    );
    expect(parsePrometheusText(dump, { maxSamples: 1028, maxBodyBytes: 113105 }).samples).toHaveLength(1028);
    expect(limitError(dump, { maxSamples: 1027 }).limit).toBe("sample_limit");
    expect(limitError(dump, { maxBodyBytes: 113104 }).limit).toBe("body_size_limit");
  });
});
