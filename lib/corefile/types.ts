/**
 * The Corefile as CoreDNS's caddyfile parser sees it, kept lossless: every token remembers its line
 * and column, so edits can touch only the lines they change and printing is byte-for-byte.
 */

/** One token as caddy sees it, plus where it sits in the source text. */
export interface CorefileToken {
  /** The value caddy hands to plugins: quotes removed, `\"` unescaped, `{$ENV}` left as written. */
  text: string;
  /** Exactly as written in the source, quotes included. */
  raw: string;
  /** True when the token was written in double quotes (caddy still treats a quoted `"{"` as a brace). */
  quoted: boolean;
  /** 1-based line of the token's first character (caddy's `Token.Line`). */
  line: number;
  /** 1-based line of its last character (differs from `line` only for quoted tokens spanning lines). */
  endLine: number;
  /** 1-based column, counted in UTF-16 code units. */
  column: number;
  /** Offset of the first character in the source, and one past the last. */
  start: number;
  end: number;
  /**
   * Set on the copies of a snippet's tokens spliced in where `import NAME` stood: the snippet's
   * name. Their lines and offsets are the snippet's, so an edit must not treat them as the block's.
   */
  snippet?: string;
}

/** One directive line, e.g. `cache 30` or `forward . 10.96.0.11 { force_tcp }` (with its nested block). */
export interface CorefileDirective {
  name: string;
  args: string[];
  /** Sub-directives inside `{ ... }` opened on the directive's line, if any. */
  block: CorefileDirective[] | null;
  /** 1-based line of the directive name. */
  line: number;
  /** 1-based line of the closing `}` of its block (same as `line` when there is no block). */
  endLine: number;
  /** Lossless view: the name token, the argument tokens before `{`, the braces (null without a block). */
  nameToken: CorefileToken;
  argTokens: CorefileToken[];
  openBrace: CorefileToken | null;
  closeBrace: CorefileToken | null;
  /** Every token of the directive, nested ones included, in order: what caddy hands the plugin. */
  tokens: CorefileToken[];
}

/** A server block: `cluster.local:53 { ... }`. */
export interface CorefileServerBlockNode {
  /** Keys as written, e.g. ["cluster.local:53"] or ["in-addr.arpa:53", "ip6.arpa:53"]. */
  keys: string[];
  directives: CorefileDirective[];
  line: number;
  endLine: number;
  /** The key tokens as written (a trailing comma stays in `raw`). */
  keyTokens: CorefileToken[];
  /** null for caddy's brace-less single-block form. */
  openBrace: CorefileToken | null;
  closeBrace: CorefileToken | null;
}

/** An `import` CoreDNS resolves at parse time. */
export interface CorefileImport {
  /** 1-based line of the `import` token. */
  line: number;
  /** The argument as written: a snippet name, a file, or a glob. */
  pattern: string;
  /** The snippet it expanded, or null for a file/glob on the node (which we cannot read). */
  snippet: string | null;
}

/** A snippet definition `(name) { ... }`: not a server block, replayed where it is imported. */
export interface CorefileSnippet {
  name: string;
  line: number;
  endLine: number;
}

export interface CorefileDocument {
  /** The exact text parsed; printing an unedited document returns it unchanged. */
  source: string;
  /** All tokens of `source`, in order (comments and whitespace live between them, in `source`). */
  tokens: CorefileToken[];
  blocks: CorefileServerBlockNode[];
  /** Every `import`, in order: snippets expanded into `blocks`, files left out (see CorefileImport). */
  imports: CorefileImport[];
  snippets: CorefileSnippet[];
}

/** Cache settings for one of the two caches (success / denial), with CoreDNS's defaults applied. */
export interface CacheTier {
  /** Capacity as configured (CoreDNS rounds down to a multiple of 256, minimum 1024: see `effectiveCapacity`). */
  capacity: number;
  /** Maximum TTL in seconds (success default 3600, denial 1800; `cache TTL` sets both). */
  maxTtl: number;
  /** Minimum TTL in seconds (default 5). */
  minTtl: number;
}

/** The operator's view of one server block, what the dashboard shows as a card. */
export interface CorefileServerBlock {
  keys: string[];
  /** Zones, fully qualified: "cluster.local.", "in-addr.arpa.", "." */
  zones: string[];
  port: number;
  /** `bind` addresses (empty = all interfaces). */
  bind: string[];
  log: boolean;
  errors: boolean;
  cache: {
    success: CacheTier;
    denial: CacheTier;
    /** prefetch AMOUNT DURATION(seconds) PERCENTAGE, when set. */
    prefetch: { amount: number; durationSeconds: number; percentage: number } | null;
    /** serve_stale duration in seconds and refresh mode, when set. */
    serveStale: { durationSeconds: number; mode: "immediate" | "verify" } | null;
  } | null;
  forward: { from: string; to: string[]; forceTcp: boolean; preferUdp: boolean } | null;
  /** `prometheus` listen address, e.g. ":9253". */
  prometheus: string | null;
  /** `health` listen address, e.g. "169.254.20.10:8080". */
  health: string | null;
  reload: boolean;
  loop: boolean;
  line: number;
}
