import type { CorefileDocument } from "./types";

/**
 * The document's text. Documents are immutable values: the edit functions return a new document
 * whose `source` already holds the change, so printing is the identity on what was parsed.
 */
export function printCorefile(doc: CorefileDocument): string {
  return doc.source;
}
