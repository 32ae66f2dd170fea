/**
 * caddy's replaceEnvVars (caddyfile/parse.go): `{$NAME}` and `{%NAME%}` in keys and directive
 * arguments become the variable's value while parsing, and an unset variable becomes "".
 */

/**
 * Stands in for a variable the pod spec sets from a Secret, ConfigMap or field: set on the node, its
 * value unknown here. The checks take it like node-cache's own placeholders (not refused).
 */
export const UNKNOWN_ENV_VALUE = "__ENV__VALUE__FROM__POD__SPEC__";

/** The text with references replaced, and the names that were not set. */
/** The container's environment: names to values (null: set from valueFrom), or "unknown" (envFrom). */
export type ContainerEnv = Readonly<Record<string, string | null>> | "unknown";

export function replaceEnvVars(s: string, env: ContainerEnv): { text: string; unset: string[] } {
  const unset: string[] = [];
  let text = replaceReferences(s, "{%", "%}", env, unset);
  text = replaceReferences(text, "{$", "}", env, unset);
  return { text, unset };
}

/** replaceEnvReferences, move for move: an empty reference (`{$}`) stops the scan. */
function replaceReferences(
  input: string,
  refStart: string,
  refEnd: string,
  env: ContainerEnv,
  unset: string[],
): string {
  let s = input;
  let index = s.indexOf(refStart);
  // A value can itself contain a reference; caddy would loop on `X={$X}`, we stop after a bound.
  for (let guard = 0; index !== -1 && guard < 1000; guard++) {
    const rel = s.slice(index).indexOf(refEnd);
    if (rel === -1) break;
    const endIndex = rel + index;
    if (endIndex <= index + refStart.length) return s;
    const ref = s.slice(index, endIndex + refEnd.length);
    const name = ref.slice(refStart.length, ref.length - refEnd.length);
    const known = env === "unknown" || Object.prototype.hasOwnProperty.call(env, name);
    const value = env === "unknown" ? UNKNOWN_ENV_VALUE : known ? (env[name] ?? UNKNOWN_ENV_VALUE) : "";
    if (!known && !unset.includes(name)) unset.push(name);
    s = s.split(ref).join(value);
    index = s.indexOf(refStart);
  }
  return s;
}
