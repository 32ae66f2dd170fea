/** A decoded JSON object, as request bodies and stored objects are handled before validation. */
export type Json = Record<string, unknown>;

/** A JSON object (not an array, not null). */
export function isObj(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
