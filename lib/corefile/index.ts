/** The Corefile library: lossless parse/print, the operator's view, CoreDNS's validation, line-local edits. */
export type * from "./types";
export { CorefileError } from "./errors";
export { parseCorefile, type ParseOptions } from "./parser";
export { printCorefile } from "./print";
export { describeCorefile, describeServerBlock, effectiveCapacity, tiersWithOwnTtl } from "./describe";
export { parseServerKey, type ServerKey } from "./keys";
export { tokenize } from "./lexer";
export { type KnownCorednsVersion } from "./directives";
export {
  validateCorefile,
  checkCorefile,
  corednsRefuses,
  type CorefileProblem,
  type ValidateOptions,
} from "./validate";
export { setLog, setCacheTtl, setCacheTier, CorefileEditError, type CacheTierChange } from "./edit";
