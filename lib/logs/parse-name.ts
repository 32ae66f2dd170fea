/**
 * Label-aware helpers for query names as CoreDNS prints them (presentation format, `\.` for a dot
 * inside a label), and the search-path heuristic.
 */

/**
 * Labels of a printed name, root excluded: `a\.b.svc.` → [`a\.b`, `svc`]. Escapes are kept as printed;
 * only an unescaped dot separates labels. `.` (the root) → [].
 */
export function splitDnsLabels(name: string): string[] {
  const labels: string[] = [];
  let start = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 46 /* . */) {
      if (i > start) labels.push(name.slice(start, i));
      start = i + 1;
    }
  }
  if (start < name.length) labels.push(name.slice(start));
  return labels;
}

/**
 * Last labels of public names that are very unlikely to be Kubernetes namespace or Service names.
 * Deliberately short: words that are also common namespace names (`app`, `dev`, `test`, `cloud`,
 * `prod`, `local`) are left out, so `web.app.svc.cluster.local.` stays a real Service lookup.
 */
const EXTERNAL_TLDS: ReadonlySet<string> = new Set([
  "com",
  "org",
  "net",
  "io",
  "edu",
  "gov",
  "mil",
  "int",
  "info",
  "biz",
  "co",
  "us",
  "uk",
  "de",
  "fr",
  "nl",
  "eu",
  "jp",
  "cn",
  "ru",
  "br",
  "au",
  "ca",
  "ch",
  "se",
  "es",
  "it",
  "pl",
  "in",
  "me",
  "tv",
  "xyz",
  "ai",
  "arpa",
  "invalid",
  "example",
  "localhost",
]);

function looksExternal(label: string | undefined): boolean {
  return label !== undefined && EXTERNAL_TLDS.has(label);
}

/**
 * Heuristic: is `name` one of the wasted lookups a pod's resolver makes when it appends its search
 * suffixes (`<ns>.svc.<domain>`, `svc.<domain>`, `<domain>`, with `ndots:5`) to a name that was already
 * meant to be complete? Pure; it sees one name, not the answer, so it errs towards "no".
 *
 * The rule, on the labels L in front of the cluster domain (case-insensitive, trailing dot optional):
 * - Not under the cluster domain, or the domain itself → false (a search suffix was not appended).
 * - L already contains `svc` in a place no Kubernetes name has it, or the cluster domain's own labels
 *   → true ("a name with a search suffix already": `x.svc.cluster.local.svc.cluster.local.`).
 * - Under `svc.<domain>` the only real names are `<svc>.<ns>`, `<host>.<svc>.<ns>` (headless/StatefulSet
 *   pods) and `_port._proto.<svc>.<ns>`. So, with S = the labels before `svc`:
 *   - 0 or 1 labels (`svc.cluster.local.`, `x.svc.cluster.local.`: a namespace has no records) → true;
 *   - `<a>.<b>` → true when `b` looks like a public TLD (`example.org.svc.cluster.local.`);
 *   - `<a>.<b>.<c>` → true when `b` or `c` looks like a TLD (`example.com.default.svc…`,
 *     `registry.k8s.io.svc…`) or `b` = `c` (`kubernetes.default.default.svc…`);
 *   - `_x._y.<svc>.<ns>` → false; any other 4+ labels (`api.github.com.default.svc…`) → true.
 * - Under `pod.<domain>`: only `<ip-with-dashes>.<ns>.pod` is real → otherwise true.
 * - Directly under the domain (`example.com.cluster.local.`): no Kubernetes name lives there → true,
 *   except the `loop` plugin's `<digits>.<digits>.<domain>` HINFO self-probe → false.
 * Known misses: `api.payments.default.svc.cluster.local.` (from `api.payments`) has the shape of a
 * headless pod name and is not flagged; the answer (NXDOMAIN) would tell them apart, the name cannot.
 */
export function isSearchPathExpansion(name: string, clusterDomain = "cluster.local"): boolean {
  const domain = splitDnsLabels(clusterDomain.toLowerCase());
  const labels = splitDnsLabels(name.toLowerCase());
  if (domain.length === 0 || labels.length <= domain.length) return false;
  for (let k = 0; k < domain.length; k++) {
    if (labels[labels.length - domain.length + k] !== domain[k]) return false;
  }
  const front = labels.slice(0, labels.length - domain.length);
  const anchor = front[front.length - 1];
  const before = front.slice(0, -1);
  if (containsSequence(before, domain)) return true;

  if (anchor === "svc") {
    if (before.includes("svc")) return true;
    const [a, b, c] = before;
    switch (before.length) {
      case 0:
      case 1:
        return true;
      case 2:
        return looksExternal(b);
      case 3:
        return looksExternal(b) || looksExternal(c) || b === c;
      case 4:
        return !(a?.startsWith("_") && b?.startsWith("_"));
      default:
        return true;
    }
  }
  if (before.includes("svc")) return true;
  if (anchor === "pod") return front.length !== 3;
  return !(front.length === 2 && front.every(isAllDigits));
}

function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((label, k) => haystack[i + k] === label)) return true;
  }
  return false;
}

function isAllDigits(label: string): boolean {
  return label.length > 0 && /^\d+$/.test(label);
}
