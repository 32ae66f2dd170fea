/**
 * DASHBOARD_PROMETHEUS_HEADERS: extra request headers for the query endpoint (Mimir/Cortex tenants'
 * `X-Scope-OrgID`, a gateway's key). Either a JSON object (`{"X-Scope-OrgID":"team-a"}`) or
 * comma-separated `Name=value` pairs (`X-Scope-OrgID=team-a,X-Extra=1`). Pure.
 */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function parseExtraHeaders(text: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed === "") return {};
  let pairs: [string, unknown][];
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw new Error(`not valid JSON: ${(err as Error).message}`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
      throw new Error("must be a JSON object of header names to values");
    pairs = Object.entries(parsed as Record<string, unknown>);
  } else {
    pairs = trimmed.split(",").map((part) => {
      const eq = part.indexOf("=");
      if (eq <= 0) throw new Error(`"${part.trim()}" is not Name=value`);
      return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    });
  }
  const out: Record<string, string> = {};
  for (const [name, value] of pairs) {
    if (!TOKEN.test(name)) throw new Error(`"${name}" is not a valid header name`);
    if (typeof value !== "string" || /[\r\n]/.test(value))
      throw new Error(`header "${name}" needs a one-line string value`);
    out[name] = value;
  }
  return out;
}
