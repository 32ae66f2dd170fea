import "server-only";
import type { V1DaemonSet } from "@kubernetes/client-node";
import { estimateCorefileMemory, type MemoryEstimate } from "@/lib/config/memory";
import { QuantityError } from "@/lib/config/quantity";
import { CorefileError } from "@/lib/corefile";
import { containerMemoryLimit } from "@/lib/k8s/daemonset";

/** The estimate for a Corefile against the DaemonSet's node-cache limit, or null if it cannot be made. */
export function memoryFor(
  corefile: string,
  ds: V1DaemonSet | null,
  container: string,
): MemoryEstimate | null {
  const limit = ds ? containerMemoryLimit(ds, container) : null;
  try {
    return estimateCorefileMemory(corefile, limit);
  } catch (err) {
    // A Corefile that does not parse has no caches to estimate; a limit that is not a quantity
    // would have been refused by the API server, so neither is worth failing the page for.
    if (err instanceof CorefileError || err instanceof QuantityError) return null;
    throw err;
  }
}
