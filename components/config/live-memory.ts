/**
 * The memory estimate of what the operator is editing, computed in the browser on every keystroke
 * with the server's own pure code: the edits applied by lib/config/propose.ts's applyEdits (the text
 * Preview would propose), then estimateCorefileMemory against the container's limit — the same call
 * the server makes for GET /api/config and for the preview, so the numbers agree with Preview.
 */
import type { ConfigChange } from "@/lib/config/intents";
import { estimateCorefileMemory, type MemoryEstimate } from "@/lib/config/memory";
import { applyEdits } from "@/lib/config/propose";

/** The estimate with `change` made, or null when it cannot be made (the text does not parse). */
export function liveMemoryEstimate(
  corefile: string,
  change: ConfigChange,
  memoryLimit: string | null,
): MemoryEstimate | null {
  try {
    const text = "edits" in change ? applyEdits(corefile, change.edits).text : change.corefile;
    return estimateCorefileMemory(text, memoryLimit);
  } catch {
    // Half-typed raw text that does not parse, or an edit that cannot be made: Preview will say why.
    return null;
  }
}
