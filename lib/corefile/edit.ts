/**
 * Pure, line-local edits for the config editor. Each returns a new document; lines the edit does
 * not concern are left byte for byte (comments, blank lines, placeholders, odd indentation).
 */
import { describeServerBlock, CACHE_DEFAULTS, tiersWithOwnTtl } from "./describe";
import {
  applyLineChanges,
  blockAt,
  CorefileEditError,
  indentOf,
  indentStyle,
  lineStarts,
  lineText,
  ownsItsLines,
  type LineChange,
} from "./edit-lines";
import { goAtoi } from "./go-values";
import { parseCorefile } from "./parser";
import type { CorefileDirective, CorefileDocument, CorefileServerBlockNode } from "./types";

export { CorefileEditError };

/** Cache settings to write for one tier; omitted ones keep their current value. */
export interface CacheTierChange {
  capacity?: number;
  maxTtl?: number;
  minTtl?: number;
}

function reparse(text: string): CorefileDocument {
  // The edits never add names, so a lenient re-parse cannot fail where the original parse passed.
  return parseCorefile(text, { checkDirectives: false });
}

function wholeNumber(what: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new CorefileEditError(`${what} must be a whole number ≥ ${min}, got ${v}`);
  }
}

/**
 * Refuses to edit a directive spliced in from a snippet: its text is the snippet's, shared by every
 * block that imports it, so a line-local edit there would change other blocks too.
 */
function ownedByBlock(d: CorefileDirective, block: CorefileServerBlockNode): void {
  const snippet = d.nameToken.snippet;
  if (snippet === undefined) return;
  throw new CorefileEditError(
    `'${d.name}' in server block "${block.keys.join(" ")}" comes from snippet (${snippet}) (line ${d.line}), ` +
      "which every block that imports it shares: edit the snippet with a raw Corefile edit, or replace the import",
  );
}

/** Where a new directive line goes (before `line`) and its indentation. */
function insertionPoint(
  doc: CorefileDocument,
  block: CorefileServerBlockNode,
  after?: string,
): { line: number; indent: string } {
  const style = indentStyle(doc);
  // Directives from a snippet sit on the snippet's lines: only the block's own lines are places to write.
  const own = block.directives.filter((d) => d.nameToken.snippet === undefined);
  const first = own[0];
  const anchor = after ? own.find((d) => d.name === after) : undefined;
  if (anchor && ownsItsLines(doc, anchor)) {
    return { line: anchor.endLine + 1, indent: indentOf(lineText(doc.source, anchor.line)) };
  }
  if (first && block.openBrace && first.line > block.openBrace.line) {
    return { line: first.line, indent: indentOf(lineText(doc.source, first.line)) };
  }
  if (!first && block.openBrace && block.closeBrace && block.closeBrace.line > block.openBrace.line) {
    return {
      line: block.openBrace.line + 1,
      indent: indentOf(lineText(doc.source, block.line)) + style.directive,
    };
  }
  throw new CorefileEditError(
    `cannot add a line to server block "${block.keys.join(" ")}" without rewriting its line ${block.line}: ` +
      "put its '{', directives and '}' on separate lines first",
  );
}

/**
 * Turns query logging on (adds `log` as the block's first directive, as the upstream docs do) or
 * off (removes every `log` line of the block). A no-op when already in the wanted state.
 */
export function setLog(doc: CorefileDocument, blockIndex: number, on: boolean): CorefileDocument {
  const block = blockAt(doc, blockIndex);
  const logs = block.directives.filter((d) => d.name === "log");
  if (!on) for (const d of logs) ownedByBlock(d, block);
  if (on) {
    if (logs.length > 0) return doc;
    const at = insertionPoint(doc, block);
    return reparse(
      applyLineChanges(doc.source, [{ from: at.line, to: at.line - 1, lines: [`${at.indent}log`] }]),
    );
  }
  if (logs.length === 0) return doc;
  const changes = logs.map((d): LineChange => {
    if (!ownsItsLines(doc, d)) {
      throw new CorefileEditError(
        `cannot remove 'log' on line ${d.line} alone: it shares the line with other directives`,
      );
    }
    return { from: d.line, to: d.endLine, lines: [] };
  });
  return reparse(applyLineChanges(doc.source, changes));
}

/** Replaces characters [start, end) of the source, which must lie on one line. */
function spliceOnLine(doc: CorefileDocument, start: number, end: number, text: string): LineChange {
  const starts = lineStarts(doc.source);
  let line = 1;
  while (line < starts.length && (starts[line] ?? Infinity) <= start) line++;
  const lineStart = starts[line - 1] ?? 0;
  const current = lineText(doc.source, line);
  const next = current.slice(0, start - lineStart) + text + current.slice(end - lineStart);
  return { from: line, to: line, lines: [next] };
}

/**
 * Sets `cache TTL` (the max TTL of both caches, unless a `success`/`denial` line sets its own);
 * adds `cache TTL` after `errors` when the block has no cache.
 *
 * When both tier lines carry their own TTL, `cache TTL` would change nothing CoreDNS serves (cacheParse
 * reads the tier lines after the argument and they win), so the edit is refused naming those lines
 * rather than written as a no-op. Rewriting both tiers instead would also move the denial TTL, which
 * node-local-dns keeps short (5s) on purpose. With one tier overriding, the edit is made and
 * `validateCorefile` says which tier keeps its own TTL.
 */
export function setCacheTtl(doc: CorefileDocument, blockIndex: number, ttl: number): CorefileDocument {
  wholeNumber("cache TTL", ttl, 1);
  const block = blockAt(doc, blockIndex);
  const cache = block.directives.find((d) => d.name === "cache");
  if (cache) ownedByBlock(cache, block);
  const overrides = tiersWithOwnTtl(cache);
  if (overrides.length === 2) {
    const where = overrides.map((o) => `${o.tier} ${o.ttl}s on line ${o.line}`).join(", ");
    throw new CorefileEditError(
      `cache TTL ${ttl} would change nothing CoreDNS serves: both tiers set their own TTL (${where}), ` +
        "which wins over `cache TTL`; change the success or denial TTL instead",
    );
  }
  if (!cache) {
    const at = insertionPoint(doc, block, "errors");
    return reparse(
      applyLineChanges(doc.source, [{ from: at.line, to: at.line - 1, lines: [`${at.indent}cache ${ttl}`] }]),
    );
  }
  const first = cache.argTokens[0];
  const change =
    first && goAtoi(first.text).ok
      ? spliceOnLine(doc, first.start, first.end, String(ttl))
      : spliceOnLine(doc, cache.nameToken.end, cache.nameToken.end, ` ${ttl}`);
  return reparse(applyLineChanges(doc.source, [change]));
}

/** The args of a `success|denial CAPACITY [TTL [MINTTL]]` line after the change, shortest form that says it. */
function tierArgs(
  current: { capacity: number; maxTtl: number; minTtl: number },
  written: number,
  change: CacheTierChange,
): string[] {
  const capacity = change.capacity ?? current.capacity;
  const maxTtl = change.maxTtl ?? current.maxTtl;
  const minTtl = change.minTtl ?? current.minTtl;
  // Keep as many positions as were written, and as many as the change needs.
  const needed = Math.max(written, change.minTtl !== undefined ? 3 : change.maxTtl !== undefined ? 2 : 1);
  return [capacity, maxTtl, minTtl].slice(0, needed).map(String);
}

/**
 * Sets one tier's capacity / max TTL / min TTL. Rewrites its `success|denial` line, adds one to an
 * existing `cache { }` block, or turns `cache 30` into `cache 30 {` + the line + `}` in the file's
 * indentation.
 */
export function setCacheTier(
  doc: CorefileDocument,
  blockIndex: number,
  tier: "success" | "denial",
  change: CacheTierChange,
): CorefileDocument {
  // CoreDNS takes any capacity, 0 included (`success 0`): plugin/pkg/cache New() gives every one of
  // its 256 shards at least 4 entries, so anything below 1024 means 1024 (see effectiveCapacity).
  if (change.capacity !== undefined) wholeNumber(`${tier} capacity`, change.capacity, 0);
  if (change.maxTtl !== undefined) wholeNumber(`${tier} TTL`, change.maxTtl, 1);
  if (change.minTtl !== undefined) wholeNumber(`${tier} minimum TTL`, change.minTtl, 0);
  const block = blockAt(doc, blockIndex);
  const described = describeServerBlock(block).cache;
  const current = described ? described[tier] : defaultTier(tier);
  const cache = block.directives.find((d) => d.name === "cache");
  if (cache) ownedByBlock(cache, block);
  const style = indentStyle(doc);

  const existing = cache?.block?.find((s) => s.name === tier);
  if (existing) {
    const args = tierArgs(current, existing.args.length, change);
    const last = existing.argTokens[existing.argTokens.length - 1] ?? existing.nameToken;
    return reparse(
      applyLineChanges(doc.source, [
        spliceOnLine(doc, existing.nameToken.end, last.end, ` ${args.join(" ")}`),
      ]),
    );
  }

  const subLine = (indent: string) => `${indent}${tier} ${tierArgs(current, 1, change).join(" ")}`;
  if (!cache) {
    const at = insertionPoint(doc, block, "errors");
    const lines = [`${at.indent}cache {`, subLine(at.indent + style.nested), `${at.indent}}`];
    return reparse(applyLineChanges(doc.source, [{ from: at.line, to: at.line - 1, lines }]));
  }
  const indent = indentOf(lineText(doc.source, cache.line));
  if (cache.block && cache.closeBrace && cache.openBrace && cache.closeBrace.line > cache.openBrace.line) {
    const sibling = cache.block.find((s) => s.line > cache.line);
    const subIndent = sibling ? indentOf(lineText(doc.source, sibling.line)) : indent + style.nested;
    const at = cache.closeBrace.line;
    if (!onlyBraceOnLine(doc, cache)) {
      throw new CorefileEditError(
        `cannot add '${tier}' to the cache block: put its closing '}' (line ${at}) on a line of its own`,
      );
    }
    return reparse(applyLineChanges(doc.source, [{ from: at, to: at - 1, lines: [subLine(subIndent)] }]));
  }
  if (cache.block || !ownsItsLines(doc, cache)) {
    throw new CorefileEditError(
      `cannot turn 'cache' on line ${cache.line} into block form alone: put it on a line of its own`,
    );
  }
  const last = cache.argTokens[cache.argTokens.length - 1] ?? cache.nameToken;
  const open = spliceOnLine(doc, last.end, last.end, " {");
  const lines = [open.lines[0] ?? "", subLine(indent + style.nested), `${indent}}`];
  return reparse(applyLineChanges(doc.source, [{ from: cache.line, to: cache.line, lines }]));
}

function onlyBraceOnLine(doc: CorefileDocument, d: CorefileDirective): boolean {
  const brace = d.closeBrace;
  return !!brace && doc.tokens.every((t) => t === brace || t.line !== brace.line);
}

function defaultTier(tier: "success" | "denial") {
  return {
    capacity: CACHE_DEFAULTS.capacity,
    maxTtl: tier === "success" ? CACHE_DEFAULTS.successMaxTtl : CACHE_DEFAULTS.denialMaxTtl,
    minTtl: CACHE_DEFAULTS.minTtl,
  };
}
