/**
 * caddy's replaceEnvVars (caddyfile/parse.go): `{$NAME}` and `{%NAME%}` in keys and directive
 * arguments become the variable's value while parsing, and an unset variable becomes "".
 */

/** The text with references replaced, and the names that were not set. */
export function replaceEnvVars(
  s: string,
  env: Readonly<Record<string, string>>,
): { text: string; unset: string[] } {
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
  env: Readonly<Record<string, string>>,
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
    const value = Object.prototype.hasOwnProperty.call(env, name) ? (env[name] as string) : undefined;
    if (value === undefined && !unset.includes(name)) unset.push(name);
    s = s.split(ref).join(value ?? "");
    index = s.indexOf(refStart);
  }
  return s;
}
