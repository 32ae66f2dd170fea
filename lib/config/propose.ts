/**
 * Turns the editor's intents into the new Corefile text, using lib/corefile's line-local edits so a
 * diff shows only the lines the operator's clicks touched, then validates the result with CoreDNS's
 * own rules so a file CoreDNS would refuse is caught before it is written.
 */
import {
  CorefileEditError,
  CorefileError,
  checkCorefile,
  parseCorefile,
  parseServerKey,
  setCacheTier,
  setCacheTtl,
  setLog,
  validateCorefile,
  type CorefileDocument,
  type CorefileProblem,
  type ValidateOptions,
} from "@/lib/corefile";
import { DashboardError } from "@/lib/errors";
import type { ConfigChange, Edit } from "./intents";

/** An edit that cannot be made; the message names the edit and block and says what to do. Maps to 422. */
export class ConfigEditError extends DashboardError {
  constructor(
    message: string,
    /** 0-based index of the edit in the request, or null when the Corefile itself is the problem. */
    readonly editIndex: number | null,
  ) {
    super(422, message, editIndex === null ? undefined : { editIndex });
  }
}

/** The proposed Corefile and what CoreDNS would say about it. */
export interface ProposedCorefile {
  text: string;
  /**
   * CoreDNS's problems with the new text, with line numbers (see `validateCorefile`). Any of kind
   * "parse" or "setup" means a restarted pod would crash-loop and a reload would be refused.
   */
  problems: CorefileProblem[];
}

/** True when CoreDNS would refuse to start with these problems (advice alone does not block). */
export function blocksApply(problems: CorefileProblem[]): boolean {
  return problems.some((p) => p.kind !== "advice");
}

/** How a block is named to the operator: its keys as written. */
function nameOf(doc: CorefileDocument, index: number): string {
  return doc.blocks[index]?.keys.join(" ") ?? `#${index}`;
}

/**
 * The blocks an edit's `block` names. "*" is every block. Otherwise a key as written
 * ("cluster.local:53", or all keys of a multi-key block joined by a space) wins; failing that, any
 * key CoreDNS reads as the same listener ("cluster.local" = "cluster.local.:53" = "dns://cluster.local:53").
 * Several blocks may share a key when they bind different addresses: the edit applies to each.
 */
export function resolveBlocks(doc: CorefileDocument, block: string): number[] {
  const all = doc.blocks.map((_, i) => i);
  if (block === "*") return all;
  const exact = all.filter((i) => {
    const keys = doc.blocks[i]?.keys ?? [];
    return keys.includes(block) || keys.join(" ") === block;
  });
  if (exact.length > 0) return exact;
  const wanted = parseServerKey(block).address;
  return all.filter((i) => (doc.blocks[i]?.keys ?? []).some((k) => parseServerKey(k).address === wanted));
}

function describeEdit(edit: Edit, index: number): string {
  return `edits[${index}] (${edit.op} on "${edit.block}")`;
}

function applyOne(doc: CorefileDocument, blockIndex: number, edit: Edit): CorefileDocument {
  switch (edit.op) {
    case "setLog":
      return setLog(doc, blockIndex, edit.on);
    case "setCacheTtl":
      return setCacheTtl(doc, blockIndex, edit.ttl);
    case "setCache": {
      const change: { capacity?: number; maxTtl?: number; minTtl?: number } = {};
      if (edit.capacity !== undefined) change.capacity = edit.capacity;
      if (edit.maxTtl !== undefined) change.maxTtl = edit.maxTtl;
      if (edit.minTtl !== undefined) change.minTtl = edit.minTtl;
      return setCacheTier(doc, blockIndex, edit.tier, change);
    }
  }
}

/**
 * Applies the edits in order, each to the result of the one before, then validates the result.
 * Throws ConfigEditError when the current Corefile does not parse, a block does not exist (the
 * message lists the blocks there are) or an edit cannot be made without touching other lines.
 * Problems CoreDNS would have with the result are returned, not thrown: the preview shows them.
 */
export function applyEdits(
  corefileText: string,
  edits: readonly Edit[],
  opts: ValidateOptions = {},
): ProposedCorefile {
  let doc: CorefileDocument;
  try {
    // Unknown directive names are left for validation to report, so an edit can still be made.
    doc = parseCorefile(corefileText, { ...opts, checkDirectives: false });
  } catch (e) {
    if (e instanceof CorefileError) {
      throw new ConfigEditError(
        `the current Corefile does not parse (${e.message}): fix it with a raw Corefile edit first`,
        null,
      );
    }
    throw e;
  }
  edits.forEach((edit, i) => {
    const targets = resolveBlocks(doc, edit.block);
    if (targets.length === 0) {
      const names = doc.blocks.map((_, b) => `"${nameOf(doc, b)}"`).join(", ");
      throw new ConfigEditError(
        `${describeEdit(edit, i)}: there is no server block "${edit.block}"; the Corefile has ${names || "no blocks"} ` +
          '(or use "*" for all of them)',
        i,
      );
    }
    for (const b of targets) {
      try {
        doc = applyOne(doc, b, edit);
      } catch (e) {
        if (e instanceof CorefileEditError || e instanceof RangeError) {
          throw new ConfigEditError(`${describeEdit(edit, i)} in block "${nameOf(doc, b)}": ${e.message}`, i);
        }
        throw e;
      }
    }
  });
  return { text: doc.source, problems: validateCorefile(doc, opts) };
}

/**
 * The Corefile a request proposes: the edits applied to the current text, or the raw text as sent
 * (checked the way `checkCorefile` does, so a file that does not parse is a problem, not a throw).
 */
export function proposeCorefile(
  currentText: string,
  change: ConfigChange,
  opts: ValidateOptions = {},
): ProposedCorefile {
  if ("edits" in change) return applyEdits(currentText, change.edits, opts);
  return { text: change.corefile, problems: checkCorefile(change.corefile, opts) };
}

/**
 * The proposed Corefile, validated against every CoreDNS version the pods run (mid-upgrade nodes
 * differ, and a file one version accepts can crash-loop another). A problem only some versions have
 * names them. With no versions known (no scrape yet) the newest modelled version is used.
 */
export function proposeForCluster(
  currentText: string,
  change: ConfigChange,
  versions: readonly string[],
  opts: Omit<ValidateOptions, "corednsVersion"> = {},
): ProposedCorefile {
  if (versions.length <= 1) {
    return proposeCorefile(
      currentText,
      change,
      versions[0] ? { ...opts, corednsVersion: versions[0] } : opts,
    );
  }
  const results = versions.map((v) => ({
    v,
    r: proposeCorefile(currentText, change, { ...opts, corednsVersion: v }),
  }));
  const seen = new Map<string, { problem: CorefileProblem; versions: string[] }>();
  for (const { v, r } of results) {
    for (const p of r.problems) {
      const key = `${p.line}\u0000${p.kind ?? ""}\u0000${p.message}`;
      const entry = seen.get(key);
      if (entry) entry.versions.push(v);
      else seen.set(key, { problem: p, versions: [v] });
    }
  }
  const problems = [...seen.values()].map(({ problem, versions: vs }) =>
    vs.length === versions.length
      ? problem
      : { ...problem, message: `${problem.message} (CoreDNS ${vs.join(", ")})` },
  );
  return { text: results[0]?.r.text ?? currentText, problems };
}
