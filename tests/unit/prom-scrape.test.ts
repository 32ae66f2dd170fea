import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePrometheusText, ScrapeLimitError } from "@/lib/prometheus-text/parse";
import { ExpositionSourceError, scrapeSource } from "@/lib/prometheus-text/parse-source";
import { FIXTURES_DIR as FIXTURES } from "../support/fixtures";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const DUMP = "metrics-nodecache-1.22.28-coredns-1.10.0-traffic.txt";
const dumpPath = path.join(FIXTURES, DUMP);
const dump = fs.readFileSync(dumpPath, "utf8");

/** A /metrics server on an ephemeral loopback port: /metrics serves the dump in chunks, anything else 404. */
let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end("not here");
      return;
    }
    // Chunked with no Content-Length, so the byte limit must be enforced while reading.
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    for (let i = 0; i < dump.length; i += 8192) res.write(dump.slice(i, i + 8192));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("scrapeSource", () => {
  it("reads a node's /metrics over HTTP exactly as the file", async () => {
    const { samples } = await scrapeSource(`${base}/metrics`);
    expect(samples).toEqual(parsePrometheusText(dump).samples);
  });

  it("says what an HTTP error status means", async () => {
    await expect(scrapeSource(`${base}/nope`)).rejects.toThrow(ExpositionSourceError);
    await expect(scrapeSource(`${base}/nope`)).rejects.toThrow(/answered 404/);
  });

  it("stops reading a body over the byte limit", async () => {
    const err = await scrapeSource(`${base}/metrics`, { maxBodyBytes: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScrapeLimitError);
    expect((err as ScrapeLimitError).limit).toBe("body_size_limit");
  });

  it("reports a refused connection", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(scrapeSource(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow(/connection refused/);
  });

  it("applies limits to files too, and names a missing file", async () => {
    await expect(scrapeSource(dumpPath, { maxBodyBytes: 100 })).rejects.toThrow(ScrapeLimitError);
    await expect(scrapeSource(dumpPath, { maxSamples: 5 })).rejects.toThrow(/sample_limit/);
    await expect(scrapeSource(path.join(os.tmpdir(), "no-such-dump.txt"))).rejects.toThrow(/no such file/);
  });
});

describe("the scrape command", () => {
  const scrape = (...args: string[]) =>
    run(process.execPath, ["--import", "tsx", "scripts/scrape.ts", ...args], { cwd: ROOT });

  it("prints the samples as the expfmt fixture's JSON lines", async () => {
    const { stdout } = await scrape(dumpPath);
    expect(stdout).toBe(
      fs.readFileSync(path.join(FIXTURES, "expfmt", DUMP.replace(/\.txt$/, ".jsonl")), "utf8"),
    );
  });

  it("exits 1 with the line of a parse error on stderr", async () => {
    const bad = path.join(os.tmpdir(), `prom-scrape-bad-${process.pid}.txt`);
    fs.writeFileSync(bad, 'ok 1\nbroken{a="b} 2\n');
    try {
      const err = (await scrape(bad).catch((e: unknown) => e)) as { code: number; stderr: string };
      expect(err.code).toBe(1);
      expect(err.stderr).toContain("line 2: invalid label value");
    } finally {
      fs.rmSync(bad, { force: true });
    }
  });

  it("--node prints the node record built from the samples", async () => {
    const { stdout } = await scrape(dumpPath, "--node");
    expect(JSON.parse(stdout)).toMatchObject({ corednsVersion: "1.10.0" });
  });
});
