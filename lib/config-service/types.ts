/**
 * The config API's JSON shapes, type-only so the browser can import them without pulling in server
 * code (every import here is erased at compile time).
 */
export type { ConfigSnapshot } from "./read";
export type { ConfigPreview, DryRunResult } from "./preview";
export type { RolloutProgress, NodeRolloutRow } from "./rollout";
export type { EditAccess, EditPermission } from "./permissions";
