/**
 * The two ways reading a /metrics body fails on purpose: the text is not valid exposition format,
 * or it is bigger than the scrape limits allow.
 */

/** Malformed exposition text. `line` is 1-based; `detail` is the message without the line prefix. */
export class PrometheusParseError extends Error {
  override readonly name = "PrometheusParseError";
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`line ${line}: ${detail}`);
  }
}

/** Which Prometheus scrape-config limit was exceeded. */
export type ScrapeLimit = "body_size_limit" | "sample_limit";

/** The body or its sample count is over a configured limit; raise the limit or scrape less. */
export class ScrapeLimitError extends Error {
  override readonly name = "ScrapeLimitError";
  constructor(
    readonly limit: ScrapeLimit,
    /** The configured maximum (bytes or samples). */
    readonly max: number,
    message: string,
  ) {
    super(message);
  }

  static bodyTooLarge(bytes: number, max: number): ScrapeLimitError {
    return new ScrapeLimitError(
      "body_size_limit",
      max,
      `metrics body is ${bytes} bytes, over the ${max}-byte limit (body_size_limit); raise the byte limit if this node really exposes that much`,
    );
  }

  static tooManySamples(max: number): ScrapeLimitError {
    return new ScrapeLimitError(
      "sample_limit",
      max,
      `metrics body has more than ${max} samples (sample_limit); raise the sample limit if this node really exposes that many series`,
    );
  }
}
