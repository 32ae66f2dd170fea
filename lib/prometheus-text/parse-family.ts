/**
 * Which family a sample line belongs to, decided exactly as expfmt's `setOrCreateCurrentMF` does:
 * a family of that exact name wins; otherwise `foo_sum`/`foo_count` join a SUMMARY `foo`, and
 * `foo_sum`/`foo_count`/`foo_bucket` join a HISTOGRAM `foo`; otherwise the name starts its own family.
 * The order matters for odd inputs (a `# HELP foo_count` line before `# TYPE foo summary` makes
 * `foo_count` its own family), which is why this is not a simple suffix strip.
 */
import type { MetricType, Sample } from "./samples";

/** A family while it is being read: TYPE and HELP are `null` until their lines (or a sample) appear. */
export interface FamilyState {
  name: string;
  type: MetricType | null;
  help: string | null;
  samples: Sample[];
}

/** A resolved name: its family, and whether it is that summary's or histogram's `_sum`/`_count`. */
export interface Resolved {
  family: FamilyState;
  /** `_sum`/`_count` of a summary or histogram, where `quantile`/`le` labels do not apply (expfmt drops them). */
  sumOrCount: boolean;
}

function strip(name: string, suffix: string): string | null {
  return name.length > suffix.length && name.endsWith(suffix) ? name.slice(0, -suffix.length) : null;
}

/** Finds the family for `name`, creating an untyped-so-far family when none fits. */
export function resolveFamily(families: Map<string, FamilyState>, name: string): Resolved {
  return resolveFamilyOf(
    families,
    name,
    strip(name, "_count") ?? strip(name, "_sum"),
    strip(name, "_bucket"),
  );
}

/** `resolveFamily` with the name's bases already known: `foo` of `foo_sum`/`foo_count`, of `foo_bucket`. */
export function resolveFamilyOf(
  families: Map<string, FamilyState>,
  name: string,
  sumOrCountBase: string | null,
  bucketBase: string | null,
): Resolved {
  const exact = families.get(name);
  if (exact) return { family: exact, sumOrCount: false };
  if (sumOrCountBase !== null) {
    const base = families.get(sumOrCountBase);
    if (base && (base.type === "SUMMARY" || base.type === "HISTOGRAM"))
      return { family: base, sumOrCount: true };
  }
  if (bucketBase !== null) {
    const base = families.get(bucketBase);
    if (base && base.type === "HISTOGRAM") return { family: base, sumOrCount: false };
  }
  const created: FamilyState = { name, type: null, help: null, samples: [] };
  families.set(name, created);
  return { family: created, sumOrCount: false };
}
