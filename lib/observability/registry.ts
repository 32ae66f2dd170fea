/**
 * A tiny metrics registry for the dashboard's own /metrics: counters, gauges and histograms with
 * labels, printed as MetricFamily records so lib/metrics/format.ts writes the exposition text.
 * Pure (no I/O, no globals): lib/observability/metrics.ts owns the one instance per process.
 */
import { formatGoFloat } from "@/lib/prometheus-text/format-float";
import type { MetricFamily, MetricType, Sample } from "@/lib/prometheus-text/samples";

type Labels = Record<string, string>;

/** Something the registry can print. */
interface Collectable {
  collect(): MetricFamily;
}

/** Label values joined in the declared label order: the key of one series. */
function seriesKey(names: readonly string[], labels: Labels): string {
  return names.map((n) => labels[n] ?? "").join("\u0000");
}

function pick(names: readonly string[], labels: Labels): Labels {
  const out: Labels = {};
  for (const n of names) out[n] = labels[n] ?? "";
  return out;
}

abstract class Metric<L extends string> implements Collectable {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
  ) {}
  abstract collect(): MetricFamily;
  protected family(type: MetricType, samples: Sample[]): MetricFamily {
    return { name: this.name, type, help: this.help, samples };
  }
  protected sample(type: MetricType, name: string, labels: Labels, value: number): Sample {
    return { family: this.name, type, name, labels, value };
  }
}

/** A value that only goes up (per label set). */
export class Counter<L extends string = never> extends Metric<L> {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  inc(labels: Record<L, string> = {} as Record<L, string>, by = 1): void {
    if (!(by >= 0)) throw new RangeError(`${this.name}: a counter can only go up (got ${by})`);
    const key = seriesKey(this.labelNames, labels);
    const cur = this.values.get(key);
    if (cur) cur.value += by;
    else this.values.set(key, { labels: pick(this.labelNames, labels), value: by });
  }

  collect(): MetricFamily {
    // An unlabelled counter is printed as 0 before its first increment, so rate() has a start.
    if (this.labelNames.length === 0 && this.values.size === 0)
      return this.family("COUNTER", [this.sample("COUNTER", this.name, {}, 0)]);
    return this.family(
      "COUNTER",
      [...this.values.values()].map((v) => this.sample("COUNTER", this.name, v.labels, v.value)),
    );
  }
}

/** A value read when /metrics is scraped (nodes known, SSE clients...), so it can never go stale. */
export class Gauge extends Metric<never> {
  constructor(
    name: string,
    help: string,
    private readonly read: () => number,
  ) {
    super(name, help, []);
  }

  collect(): MetricFamily {
    return this.family("GAUGE", [this.sample("GAUGE", this.name, {}, this.read())]);
  }
}

/** Observations counted into cumulative `le` buckets, with _sum and _count, per label set. */
export class Histogram<L extends string = never> extends Metric<L> {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  private readonly buckets: readonly number[];

  constructor(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]) {
    super(name, help, labelNames);
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: Record<L, string>, value: number): void {
    const key = seriesKey(this.labelNames, labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels: pick(this.labelNames, labels), counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    // Buckets are stored non-cumulative and summed when printed: one increment per observation.
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count += 1;
  }

  collect(): MetricFamily {
    const samples: Sample[] = [];
    const t: MetricType = "HISTOGRAM";
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += s.counts[i] ?? 0;
        samples.push(this.sample(t, `${this.name}_bucket`, { ...s.labels, le: formatLe(b) }, cumulative));
      });
      samples.push(this.sample(t, `${this.name}_bucket`, { ...s.labels, le: "+Inf" }, s.count));
      samples.push(this.sample(t, `${this.name}_sum`, s.labels, s.sum));
      samples.push(this.sample(t, `${this.name}_count`, s.labels, s.count));
    }
    return this.family(t, samples);
  }
}

/** `le` in Go's shortest float form (0.005, 1, 2.5), as client_golang prints it and expfmt reads it. */
function formatLe(v: number): string {
  return formatGoFloat(v);
}

/** The metrics of one process, printed in registration order. */
export class Registry {
  private readonly metrics: Collectable[] = [];

  register<M extends Collectable>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }

  collect(): MetricFamily[] {
    return this.metrics.map((m) => m.collect());
  }
}

/** Latency buckets in seconds, from a fast API answer to a scrape round at its timeout. */
export const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;
