import "server-only";
import type { ConfigChange } from "./intents";
import { proposeCorefile } from "./propose";
import { CorefileConflictError } from "@/lib/k8s/configmap";

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
