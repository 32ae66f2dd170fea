/**
 * The shapes our Prometheus text-format parser produces. They mirror what Prometheus's own Go parser
 * (expfmt) reads, flattened to one record per sample line so the rest of the dashboard never has to
 * walk protobuf-style nested families.
 */

/** A metric family's type as written on its `# TYPE` line (upper-cased, as expfmt names them). */
export type MetricType = "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";

/**
 * One sample line. `name` is the line's own metric name (`foo_bucket`, `foo_sum`, `foo_count` for a
 * histogram), `family` the family it belongs to (`foo`). For histograms `labels.le` and for summaries
 * `labels.quantile` are in Go's shortest float form (`1e-05`, `+Inf`), as expfmt reports them.
 */
export interface Sample {
  family: string;
  type: MetricType;
  name: string;
  /** Frozen: samples of the same series text share one labels object, across parses too. */
  labels: Readonly<Record<string, string>>;
  /** Any double, including NaN and ±Infinity. */
  value: number;
  /** The optional integer millisecond timestamp after the value. Absent when the line has none. */
  timestampMs?: number;
}

/** A family with its HELP text ("" when there is none) and its samples in the order they appeared. */
export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string;
  samples: Sample[];
}

/** Limits matching a Prometheus scrape config; exceeding one throws `ScrapeLimitError`. */
export interface ParseOptions {
  /** Like `body_size_limit`: the most UTF-8 bytes the exposition may have. */
  maxBodyBytes?: number;
  /** Like `sample_limit`: the most sample lines the exposition may have. */
  maxSamples?: number;
  /**
   * Read only the samples of these families (a family name, or a sample line's own name such as
   * `foo_bucket`); every other sample line is skipped at the speed of a newline search, unread and
   * unchecked (it still counts toward `maxSamples`). The samples that are read are read exactly as
   * without this option. HELP/TYPE lines are always read.
   */
  families?: ReadonlySet<string>;
}

/** The parser's result: families by name, and every sample in the order it appeared. */
export interface ParsedExposition {
  families: Map<string, MetricFamily>;
  samples: Sample[];
  /** Sample lines in the text, read or skipped (`ParseOptions.families`). */
  sampleLines: number;
}
