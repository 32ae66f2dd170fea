/**
 * The config API's JSON shapes, type-only so the browser can import them without pulling in server
 * code (every import here is erased at compile time).
 */
export type { ConfigSnapshot } from "./read";
export type { ConfigPreview, DryRunResult } from "./preview";
export type { RolloutProgress, NodeRolloutRow } from "./rollout-progress";
export type { EditAccess, EditPermission } from "./permissions";
export type { ApplyResult } from "./write";
export type { ConfigHistory } from "./service";
export type { LogOffState } from "./log-off-timer";
export type { RestartResult } from "./restart-daemonset";
export type { ChangeRecord } from "@/lib/config/history";
export type { MemoryEstimate } from "@/lib/config/memory";
export type { ApplyWarning } from "@/lib/config/warnings";
export type { Edit } from "@/lib/config/intents";
export type { DiffHunk } from "@/lib/config/diff";
export type { CorefileServerBlock, CorefileProblem } from "@/lib/corefile";
