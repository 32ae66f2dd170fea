import "server-only";
import { blocksApply, proposeCorefile, type ProposedCorefile } from "@/lib/config/apply";
import type { ConfigChange } from "@/lib/config/intents";
import type { CorefileProblem } from "@/lib/corefile";
import { CorefileConflictError } from "@/lib/k8s/configmap";

/**
 * The proposed Corefile, validated against every CoreDNS version the pods run (mid-upgrade nodes
 * differ, and a file one version accepts can crash-loop another). A problem only some versions have
 * names them. With no versions known (no scrape yet) the newest modelled version is used.
 */
export function proposeForCluster(
  currentText: string,
  change: ConfigChange,
  versions: readonly string[],
): ProposedCorefile {
  if (versions.length <= 1) {
    return proposeCorefile(currentText, change, versions[0] ? { corednsVersion: versions[0] } : {});
  }
  const results = versions.map((v) => ({
    v,
    r: proposeCorefile(currentText, change, { corednsVersion: v }),
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

/** Whether a proposal must be refused before writing; re-exported so callers need one import. */
export { blocksApply };

/**
 * The 409 for a change based on an old version. For intents, "yours" is them re-applied on top of
 * the current text (what re-applying would write); for raw text, the text as sent.
 */
export function staleChangeError(
  current: { resourceVersion: string; corefile: string },
  body: ConfigChange & { resourceVersion: string },
): CorefileConflictError {
  let yours = current.corefile;
  if ("corefile" in body) yours = body.corefile;
  else {
    try {
      yours = proposeCorefile(current.corefile, body).text;
    } catch {
      // The intents no longer fit the current text (a block was removed): the operator redoes them.
    }
  }
  return new CorefileConflictError(current, { corefile: yours, resourceVersion: body.resourceVersion });
}
