/**
 * A tiny in-memory stand-in for client_golang's registry, only as much as /metrics needs: counter and
 * gauge families, classic histograms, and text rendering byte-compatible with `expfmt` (HELP/TYPE
 * lines, labels sorted by name, children sorted by label values, `le` last).
 *
 * Children are kept sorted as they are created (rare) so that rendering (every scrape) never sorts,
 * and every label prefix is built once per child.
 */
import { formatGoFloat } from "./go-float";

/** Label values by label name. Extra names are ignored, so one object can feed families of every version. */
export type Labels = Readonly<Record<string, string>>;

/** Static description of one metric family as a CoreDNS plugin declares it. */
export interface FamilySpec {
  readonly name: string;
  readonly help: string;
  /** Label names in declaration order; printed sorted, as the Go encoder does. */
  readonly labels: readonly string[];
}

/** Thrown when the emulator itself feeds a family a label set it does not declare: a bug here, not in a caller's traffic. */
export class MetricsLabelError extends Error {
  constructor(family: string, label: string) {
    super(
      `metric ${family} needs label "${label}": pass it in the labels object (use "" for an empty value)`,
    );
    this.name = "MetricsLabelError";
  }
}

/** Escaping of label values in the text format: backslash, double quote and newline. */
export function escapeLabelValue(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n") : v;
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** `{a="x",b="y"}` (names already sorted) plus an optional trailing pair such as `le`; "" when empty. */
export function labelText(names: readonly string[], values: readonly string[], extra?: string): string {
  const pairs = names.map((n, i) => `${n}="${escapeLabelValue(values[i] ?? "")}"`);
  if (extra !== undefined) pairs.push(extra);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

function compareValues(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

interface Child {
  readonly values: readonly string[];
}

abstract class Family<C extends Child> {
  readonly name: string;
  readonly labelNames: readonly string[];
  /**
   * Whether the family is in the registry at all. CoreDNS 1.7.0 registers a plugin's metrics only when
   * the plugin starts (or, for reload, restarts); an unregistered family never prints.
   */
  registered = true;
  private readonly header: string;
  private readonly children: C[] = [];
  private readonly byKey = new Map<string, C>();

  protected constructor(spec: FamilySpec, type: string) {
    this.name = spec.name;
    this.labelNames = [...spec.labels].sort();
    this.header = `# HELP ${spec.name} ${escapeHelp(spec.help)}\n# TYPE ${spec.name} ${type}\n`;
  }

  protected abstract create(values: readonly string[]): C;
  protected abstract write(child: C, out: string[]): void;

  /** The child for these labels, created (in sorted position) on first use, like `WithLabelValues`. */
  protected child(labels: Labels): C {
    const values = this.labelNames.map((n) => {
      const v = labels[n];
      if (v === undefined) throw new MetricsLabelError(this.name, n);
      return v;
    });
    const key = values.join("\u0000");
    const found = this.byKey.get(key);
    if (found) return found;
    const created = this.create(values);
    this.byKey.set(key, created);
    // Binary search for the insertion point keeps the children in the order Gather() sorts them.
    let lo = 0;
    let hi = this.children.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareValues(this.children[mid]!.values, values) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.children.splice(lo, 0, created);
    return created;
  }

  /** Remove one child, like `Vec.Delete`. */
  delete(labels: Labels): void {
    const key = this.labelNames.map((n) => labels[n] ?? "").join("\u0000");
    const found = this.byKey.get(key);
    if (!found) return;
    this.byKey.delete(key);
    this.children.splice(this.children.indexOf(found), 1);
  }

  /** Remove every child, like `Vec.Reset`. */
  reset(): void {
    this.children.length = 0;
    this.byKey.clear();
  }

  /** Number of children (series, or histograms) currently present. */
  get size(): number {
    return this.children.length;
  }

  /** Appends this family's text, or nothing when unregistered or without children (as Gather skips empty vectors). */
  render(out: string[]): void {
    if (!this.registered || this.children.length === 0) return;
    out.push(this.header);
    for (const c of this.children) this.write(c, out);
  }
}

interface ScalarChild extends Child {
  readonly prefix: string;
  value: number;
}

/** A counter or gauge family; with no labels it is a plain metric that exists (at 0) from registration. */
export class ScalarFamily extends Family<ScalarChild> {
  constructor(spec: FamilySpec, type: "counter" | "gauge") {
    super(spec, type);
    if (this.labelNames.length === 0) this.child({});
  }

  protected create(values: readonly string[]): ScalarChild {
    return { values, prefix: `${this.name}${labelText(this.labelNames, values)} `, value: 0 };
  }

  protected write(c: ScalarChild, out: string[]): void {
    out.push(c.prefix, formatGoFloat(c.value), "\n");
  }

  add(labels: Labels, delta = 1): void {
    this.child(labels).value += delta;
  }

  set(labels: Labels, value: number): void {
    this.child(labels).value = value;
  }

  get(labels: Labels): number {
    return this.child(labels).value;
  }
}

interface HistogramChild extends Child {
  readonly bucketPrefixes: readonly string[];
  readonly sumPrefix: string;
  readonly countPrefix: string;
  /** Non-cumulative count per bucket; the last slot is +Inf. */
  readonly counts: number[];
  sum: number;
  count: number;
}

/** A classic histogram family (`_bucket`/`_sum`/`_count`), buckets inclusive of their upper bound. */
export class HistogramFamily extends Family<HistogramChild> {
  private readonly bounds: readonly number[];
  private readonly leTexts: readonly string[];

  constructor(spec: FamilySpec, buckets: readonly number[]) {
    super(spec, "histogram");
    this.bounds = buckets;
    this.leTexts = [...buckets.map(formatGoFloat), "+Inf"];
    if (this.labelNames.length === 0) this.child({});
  }

  protected create(values: readonly string[]): HistogramChild {
    const n = this.name;
    return {
      values,
      bucketPrefixes: this.leTexts.map(
        (le) => `${n}_bucket${labelText(this.labelNames, values, `le="${le}"`)} `,
      ),
      sumPrefix: `${n}_sum${labelText(this.labelNames, values)} `,
      countPrefix: `${n}_count${labelText(this.labelNames, values)} `,
      counts: new Array<number>(this.leTexts.length).fill(0),
      sum: 0,
      count: 0,
    };
  }

  protected write(c: HistogramChild, out: string[]): void {
    let cumulative = 0;
    for (let i = 0; i < c.bucketPrefixes.length; i++) {
      cumulative += c.counts[i]!;
      out.push(c.bucketPrefixes[i]!, formatGoFloat(cumulative), "\n");
    }
    out.push(c.sumPrefix, formatGoFloat(c.sum), "\n", c.countPrefix, formatGoFloat(c.count), "\n");
  }

  observe(labels: Labels, v: number): void {
    const c = this.child(labels);
    // sort.SearchFloat64s semantics: the first bound >= v, so a value equal to a bound lands in it.
    let i = 0;
    while (i < this.bounds.length && v > this.bounds[i]!) i++;
    c.counts[i]! += 1;
    c.sum += v;
    c.count += 1;
  }
}
