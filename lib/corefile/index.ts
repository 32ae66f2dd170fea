/** The Corefile library: lossless parse/print, the operator's view, CoreDNS's validation, line-local edits. */
export type * from "./types";
export { CorefileError } from "./errors";
export { parseCorefile, type ParseOptions } from "./parser";
export { printCorefile } from "./print";
export {
  describeCorefile,
  describeServerBlock,
  effectiveCapacity,
  CACHE_DEFAULTS,
  DEFAULT_HEALTH_ADDRESS,
  DEFAULT_PROMETHEUS_ADDRESS,
  tiersWithOwnTtl,
} from "./describe";
export { parseServerKey, type ServerKey } from "./keys";
export { tokenize } from "./lexer";
export {
  directiveTable,
  DEFAULT_COREDNS_VERSION,
  KNOWN_COREDNS_VERSIONS,
  type KnownCorednsVersion,
} from "./directives";
export {
  validateCorefile,
  checkCorefile,
  corednsRefuses,
  type CorefileProblem,
  type ValidateOptions,
} from "./validate";
export { setLog, setCacheTtl, setCacheTier, CorefileEditError, type CacheTierChange } from "./edit";
