import "server-only";
import { structuredDiff, formatUnifiedDiff, type DiffHunk } from "@/lib/config/diff";
import type { PreviewBody } from "@/lib/config/intents";
import {
  corednsRefuses,
  describeCorefile,
  parseCorefile,
  type CorefileProblem,
  type CorefileServerBlock,
} from "@/lib/corefile";
import { describeError } from "@/lib/errors";
import { readCorefileConfigMap, replaceCorefile, CorefileConflictError } from "@/lib/k8s/configmap";
import type { MemoryEstimate } from "@/lib/config/memory";
import { containerEnv, readDaemonSet } from "@/lib/k8s/daemonset";
import { cmRef, dsRef, runningCorednsVersions, type ConfigDeps } from "./deps";
import { memoryFor } from "./memory-limit";
import { staleChangeError } from "./conflict";
import { blocksApply, proposeForCluster } from "./propose";

/** What the API server said about the write when asked to dry-run it. */
export type DryRunResult =
  | { outcome: "accepted"; message: string }
  | { outcome: "refused"; message: string }
  | { outcome: "skipped"; message: string };

/** A proposed change, before anything is written. */
export interface ConfigPreview {
  /** The version the change is based on (still current, or the preview would have answered 409). */
  resourceVersion: string;
  before: string;
  after: string;
  changed: boolean;
  /** `diff -u` text, "" when nothing changes. */
  diff: string;
  hunks: DiffHunk[];
  /** What CoreDNS would say about `after`, with line numbers. */
  problems: CorefileProblem[];
  /** True when a problem would make CoreDNS refuse the file: Apply is refused (422). */
  blocked: boolean;
  dryRun: DryRunResult;
  /** The new Corefile's server blocks, or null if it does not parse. */
  blocks: CorefileServerBlock[] | null;
  /** CoreDNS versions the file was checked against. */
  corednsVersions: string[];
  /** The new Corefile's full-cache memory against node-cache's limit (null if it does not parse). */
  memory: MemoryEstimate | null;
}

export function describeOrNull(text: string): CorefileServerBlock[] | null {
  try {
    return describeCorefile(parseCorefile(text, { checkDirectives: false }));
  } catch {
    return null;
  }
}

/**
 * The proposal for a preview body: edits applied to the current Corefile (or the raw text), the
 * diff, CoreDNS's problems, then — if CoreDNS would accept it — a server-side dry run of the write.
 * A stale resourceVersion throws CorefileConflictError (409) with both texts, as Apply would.
 */
export async function previewChange(d: ConfigDeps, body: PreviewBody): Promise<ConfigPreview> {
  const [current, ds] = await Promise.all([
    readCorefileConfigMap(d.core, cmRef(d)),
    readDaemonSet(d.apps, dsRef(d)),
  ]);
  if (current.resourceVersion !== body.resourceVersion) {
    throw staleChangeError(current, body);
  }
  const versions = runningCorednsVersions(d);
  // `{$VAR}` as the node-cache container will see it: the DaemonSet's env.
  const proposed = proposeForCluster(current.corefile, body, versions, {
    env: containerEnv(ds, d.targets.container),
  });
  const diff = structuredDiff(current.corefile, proposed.text);
  const changed = proposed.text !== current.corefile;
  const blocked = blocksApply(proposed.problems);
  let dryRun: DryRunResult;
  if (!changed) dryRun = { outcome: "skipped", message: "nothing to write: the Corefile would not change" };
  else if (blocked) {
    const corednsToo = proposed.problems.some(corednsRefuses);
    dryRun = {
      outcome: "skipped",
      message: corednsToo
        ? "not sent: CoreDNS would refuse this Corefile (see problems)"
        : "not sent: the dashboard refuses this Corefile, stricter than CoreDNS (see problems)",
    };
  } else {
    try {
      await replaceCorefile(d.core, cmRef(d), {
        corefile: proposed.text,
        basedOn: current.resourceVersion,
        dryRun: true,
      });
      dryRun = {
        outcome: "accepted",
        message: "the API server accepted the write (dryRun=All): nothing was stored",
      };
    } catch (err) {
      if (err instanceof CorefileConflictError) throw err;
      dryRun = { outcome: "refused", message: describeError(err) };
    }
  }
  return {
    resourceVersion: current.resourceVersion,
    before: current.corefile,
    after: proposed.text,
    changed,
    diff: formatUnifiedDiff(diff),
    hunks: diff.hunks,
    problems: proposed.problems,
    blocked,
    dryRun,
    blocks: describeOrNull(proposed.text),
    corednsVersions: versions,
    memory: memoryFor(proposed.text, ds, d.targets.container),
  };
}
