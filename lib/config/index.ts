/**
 * The pure core of "change logging and cache sizes safely": request intents, edits applied to the
 * Corefile, diffs, cache memory against the limit, rollout progress, per-node liveness, pre-apply
 * warnings, the restart patch and the change history. No I/O here: lib/config-service wires it.
 */
export * from "./intents";
export * from "./apply";
export * from "./summary";
export * from "./diff";
export { shortestEditScript, type EditStep } from "./myers";
export * from "./quantity";
export * from "./memory";
export * from "./rollout";
export * from "./liveness";
export * from "./warnings";
export * from "./restart";
export * from "./history";
