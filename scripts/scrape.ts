/**
 * `npm run scrape -- <url-or-file> [--max-bytes N] [--max-samples N] [--node]`
 *
 * Prints every sample of one /metrics exposition as JSON lines, sorted like the expfmt fixtures
 * (fixtures/coredns/expfmt/*.jsonl), so a live node or a saved dump can be diffed against them.
 * `--node` prints the dashboard's node record built from the samples instead.
 * Exits 1 with the reason on stderr when fetching, reading or parsing fails.
 */
import { parseArgs } from "node:util";
import { sampleToJsonLine, sortSamples } from "../lib/prometheus-text/format";
import { PrometheusParseError, ScrapeLimitError } from "../lib/prometheus-text/parse";
import { scrapeSource } from "../lib/prometheus-text/parse-source";
import type { Sample } from "../lib/prometheus-text/samples";

const USAGE = "usage: scrape <url-or-file> [--max-bytes N] [--max-samples N] [--node]";

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(`${flag} wants a positive whole number, got "${text}"`);
  return n;
}

class UsageError extends Error {}

/** The node record builder, once lib/metrics/node-record.ts provides one. */
async function nodeRecordBuilder(): Promise<(samples: Sample[]) => unknown> {
  const mod = (await import("../lib/coredns/node-record").catch((err: NodeJS.ErrnoException) => {
    // Missing module: not written yet. Anything else (a syntax error in it) is a real failure.
    if (err.code === "MODULE_NOT_FOUND" || err.code === "ERR_MODULE_NOT_FOUND") return {};
    throw err;
  })) as Record<string, unknown>;
  const build = mod.buildNodeRecord ?? mod.buildNodeScrape;
  if (typeof build !== "function")
    throw new Error(
      "--node is not available yet: lib/metrics/node-record.ts has no buildNodeRecord(samples)",
    );
  return build as (samples: Sample[]) => unknown;
}

async function main(argv: string[]): Promise<void> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h", default: false },
        "max-bytes": { type: "string" },
        "max-samples": { type: "string" },
        node: { type: "boolean", default: false },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const source = positionals[0] as string;
  const maxBodyBytes = positiveInt("--max-bytes", values["max-bytes"]);
  const maxSamples = positiveInt("--max-samples", values["max-samples"]);
  const build = values.node ? await nodeRecordBuilder() : null;
  let parsed;
  try {
    parsed = await scrapeSource(source, { maxBodyBytes, maxSamples });
  } catch (err) {
    // Say which input a line number or limit refers to (fetch and file errors already name it).
    if (err instanceof PrometheusParseError || err instanceof ScrapeLimitError)
      throw new Error(`${source}: ${err.message}`, { cause: err });
    throw err;
  }
  const out = build
    ? JSON.stringify(build(parsed.samples), null, 2) + "\n"
    : sortSamples(parsed.samples)
        .map((s) => sampleToJsonLine(s) + "\n")
        .join("");
  process.stdout.write(out);
}

// `scrape … | head` closes the pipe early; that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`scrape: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = err instanceof UsageError ? 2 : 1;
});
