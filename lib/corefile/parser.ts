/**
 * The coredns/caddy `caddyfile` parser (parse.go), ported with the same cursor moves so it accepts
 * and rejects exactly what CoreDNS does, with the same messages and line numbers. On top of caddy's
 * flat token lists it builds the nested `CorefileDirective` tree the dashboard reads.
 *
 * `import` works as in caddy: a snippet `(name) { ... }` defined earlier in the file is spliced in
 * where `import name` stands (its tokens keep the snippet's lines, marked with `snippet`). A file or
 * glob lives on the node, out of the dashboard's sight: it is recorded in `imports` and expands to
 * nothing here, so `validateCorefile` can say what it could not check.
 */
import { directiveTable, DEFAULT_COREDNS_VERSION } from "./directives";
import { CorefileError, parsingError, syntaxError } from "./errors";
import { tokenize, type CorefileToken } from "./lexer";
import type {
  CorefileDirective,
  CorefileDocument,
  CorefileImport,
  CorefileServerBlockNode,
  CorefileSnippet,
} from "./types";

/** caddy's cap on snippet expansions (coredns/caddy fabd98a6); older caddy would loop forever. */
const MAX_SNIPPET_EXPANSIONS = 10000;

/** How strictly to parse. */
export interface ParseOptions {
  /** File name used in messages, as CoreDNS's `-conf` path would show (default "Corefile"). */
  filename?: string;
  /** CoreDNS version whose directive list decides `Unknown directive` (default the newest we model). */
  corednsVersion?: string;
  /**
   * false: accept any directive name (for excerpts such as `...` in a tutorial, or to report every
   * unknown name through `validateCorefile` instead of stopping at the first).
   */
  checkDirectives?: boolean;
}

/** Parses a Corefile; throws `CorefileError` with CoreDNS's message for what CoreDNS would reject while parsing. */
export function parseCorefile(text: string, opts: ParseOptions = {}): CorefileDocument {
  const filename = opts.filename ?? "Corefile";
  const valid =
    opts.checkDirectives === false
      ? null
      : new Set(directiveTable(opts.corednsVersion ?? DEFAULT_COREDNS_VERSION).directives);
  const tokens = tokenize(text);
  const p = new Parser([...tokens], filename, valid);
  const blocks = p.parseAll();
  return { source: text, tokens, blocks, imports: p.imports, snippets: p.snippets };
}

class Parser {
  private cursor = -1;
  private eof = false;
  private readonly defined = new Map<string, CorefileToken[]>();
  private expansions = 0;
  readonly imports: CorefileImport[] = [];
  readonly snippets: CorefileSnippet[] = [];

  constructor(
    /** A working copy: imports splice tokens in and out of it, as caddy's parser does. */
    private tokens: CorefileToken[],
    private readonly filename: string,
    private readonly valid: Set<string> | null,
  ) {}

  parseAll(): CorefileServerBlockNode[] {
    const blocks: CorefileServerBlockNode[] = [];
    while (this.next()) {
      const block = this.parseOne();
      if (block.keys.length > 0) blocks.push(block);
    }
    return blocks;
  }

  private parseOne(): CorefileServerBlockNode {
    const first = this.tok();
    const block: CorefileServerBlockNode = {
      keys: [],
      keyTokens: [],
      directives: [],
      openBrace: null,
      closeBrace: null,
      line: first?.line ?? 0,
      endLine: first?.line ?? 0,
    };
    this.eof = false;
    this.addresses(block);
    if (this.eof) return block;
    const key = block.keys[0] ?? "";
    if (block.keys.length === 1 && key.startsWith("(") && key.endsWith(")")) {
      this.snippet(key.slice(1, -1), block.line);
      block.keys = [];
      return block;
    }
    this.blockContents(block);
    const last = this.tok();
    block.endLine = last ? last.endLine : block.line;
    return block;
  }

  private addresses(block: CorefileServerBlockNode): void {
    let expectingAnother = false;
    for (;;) {
      const tkn = this.val();
      if (tkn === "import" && this.isNewLine()) {
        this.doImport();
        continue;
      }
      if (tkn === "{") {
        if (expectingAnother)
          throw this.errf(`Expected another address but had '${tkn}' - check for extra comma`);
        break;
      }
      if (tkn !== "") {
        let key = tkn;
        if (key.endsWith(",")) {
          key = key.slice(0, -1);
          expectingAnother = true;
        } else {
          expectingAnother = false;
        }
        block.keys.push(key);
        const t = this.tok();
        if (t) block.keyTokens.push(t);
      }
      const hasNext = this.next();
      if (expectingAnother && !hasNext) throw this.errf("Unexpected EOF");
      if (!hasNext) {
        this.eof = true;
        break;
      }
      if (!expectingAnother && this.isNewLine()) break;
    }
  }

  private blockContents(block: CorefileServerBlockNode): void {
    const opened = this.val() === "{";
    // Without a '{' the rest of the file is one block (Caddy v1 single-server form).
    if (opened) block.openBrace = this.tok() ?? null;
    else this.cursor--;
    this.directives(block);
    if (opened) {
      if (this.val() !== "}") throw syntaxError(this.filename, this.line(), this.val(), "}");
      block.closeBrace = this.tok() ?? null;
    }
  }

  private directives(block: CorefileServerBlockNode): void {
    while (this.next()) {
      if (this.val() === "}") break;
      if (this.val() === "import") {
        this.doImport();
        this.cursor--; // Next() lands on the first imported token
        continue;
      }
      block.directives.push(this.directive());
    }
  }

  private directive(): CorefileDirective {
    const dir = this.val();
    if (this.valid && !this.valid.has(dir)) throw this.errf(`Unknown directive '${dir}'`);
    const start = this.cursor;
    let nesting = 0;
    while (this.next()) {
      const v = this.val();
      if (v === "{") {
        nesting++;
      } else if (this.isNewLine() && nesting === 0) {
        this.cursor--; // read too far
        break;
      } else if (v === "}" && nesting > 0) {
        nesting--;
      } else if (v === "}" && nesting === 0) {
        throw this.errf("Unexpected '}' because no matching opening brace");
      } else if (v === "import" && this.isNewLine()) {
        this.doImport();
        this.cursor--;
        continue;
      }
    }
    if (nesting > 0) throw this.errf("Unexpected EOF");
    return buildDirective(this.tokens.slice(start, this.cursor + 1));
  }

  /** caddy's snippetTokens: everything up to the matching '}', kept for `import name`. */
  private snippet(name: string, line: number): void {
    if (this.defined.has(name)) throw this.errf(`redeclaration of previously declared snippet ${name}`);
    if (this.val() !== "{") throw syntaxError(this.filename, this.line(), this.val(), "{");
    let count = 1;
    const body: CorefileToken[] = [];
    while (this.next()) {
      if (this.val() === "}") {
        count--;
        if (count === 0) break;
      }
      if (this.val() === "{") count++;
      body.push(this.tok() as CorefileToken);
    }
    if (count !== 0) throw syntaxError(this.filename, this.line(), this.val(), "}");
    this.defined.set(name, body);
    this.snippets.push({ name, line, endLine: this.tok()?.endLine ?? line });
  }

  /**
   * caddy's doImport: replaces `import ARG` with the snippet's tokens (or, for a file, with nothing we
   * can see) and leaves the cursor on the first imported token (on what followed, for a file).
   */
  private doImport(): void {
    const at = this.tok() as CorefileToken;
    if (!this.nextArg()) throw this.argErr();
    const pattern = this.val();
    if (pattern === "") throw this.errf("Import requires a non-empty filepath");
    if (this.nextArg()) throw this.errf("Import takes only one argument (glob pattern or file)");
    const body = this.defined.get(pattern);
    if (!body) {
      // Relative to the Corefile's directory: node-cache runs CoreDNS with -conf /etc/Corefile.
      const dir = this.filename.includes("/")
        ? this.filename.slice(0, this.filename.lastIndexOf("/"))
        : "/etc";
      const glob = pattern.startsWith("/") ? pattern : `${dir}/${pattern}`;
      const count = (c: string) => glob.split(c).length - 1;
      if (count("*") > 1 || count("?") > 1 || (glob.includes("[") && glob.includes("]"))) {
        throw this.errf(`Glob pattern may only contain one wildcard (*), but has others: ${glob}`);
      }
    }
    let imported: CorefileToken[] = [];
    if (body) {
      if (++this.expansions > MAX_SNIPPET_EXPANSIONS) {
        throw this.errf(`maximum snippet import depth (${MAX_SNIPPET_EXPANSIONS}) exceeded`);
      }
      imported = body.map((t) => ({ ...t, snippet: pattern }));
    }
    this.imports.push({ line: at.line, pattern, snippet: body ? pattern : null });
    this.tokens = [
      ...this.tokens.slice(0, this.cursor - 1),
      ...imported,
      ...this.tokens.slice(this.cursor + 1),
    ];
    this.cursor--;
  }

  // --- caddy Dispenser primitives -------------------------------------------------------------

  private next(): boolean {
    if (this.cursor < this.tokens.length - 1) {
      this.cursor++;
      return true;
    }
    return false;
  }

  private tok(): CorefileToken | undefined {
    return this.tokens[this.cursor];
  }

  private val(): string {
    return this.tok()?.text ?? "";
  }

  private line(): number {
    return this.tok()?.line ?? 0;
  }

  private nextArg(): boolean {
    const cur = this.tok();
    const nxt = this.tokens[this.cursor + 1];
    if (cur && nxt && cur.endLine === nxt.line) {
      this.cursor++;
      return true;
    }
    return false;
  }

  private argErr(): CorefileError {
    return this.errf(`Wrong argument count or unexpected line ending after '${this.val()}'`);
  }

  private isNewLine(): boolean {
    if (this.cursor < 1) return true;
    if (this.cursor > this.tokens.length - 1) return false;
    const prev = this.tokens[this.cursor - 1];
    const cur = this.tokens[this.cursor];
    return !!prev && !!cur && prev.endLine < cur.line;
  }

  private errf(msg: string): CorefileError {
    return parsingError(this.filename, this.line(), msg);
  }
}

/**
 * Turns one directive's flat tokens (what caddy hands the plugin) into a tree: arguments up to a
 * `{` on the same line, then one sub-directive per line until the matching `}`.
 */
export function buildDirective(tokens: CorefileToken[]): CorefileDirective {
  const [head] = tokens;
  if (!head) throw new RangeError("buildDirective needs at least the directive's name token");
  const node = emptyDirective(head, tokens);
  let i = 1;
  while (i < tokens.length && tokens[i]?.text !== "{" && tokens[i]?.text !== "}") {
    const t = tokens[i] as CorefileToken;
    node.args.push(t.text);
    node.argTokens.push(t);
    i++;
  }
  if (tokens[i]?.text === "{") {
    node.openBrace = tokens[i] ?? null;
    const { block, end } = buildBody(tokens, i + 1);
    node.block = block;
    node.closeBrace = tokens[end] ?? null;
  }
  node.endLine = (tokens[tokens.length - 1] ?? head).endLine;
  return node;
}

function emptyDirective(head: CorefileToken, tokens: CorefileToken[]): CorefileDirective {
  return {
    name: head.text,
    args: [],
    block: null,
    line: head.line,
    endLine: head.endLine,
    nameToken: head,
    argTokens: [],
    openBrace: null,
    closeBrace: null,
    tokens,
  };
}

/** Sub-directives from `tokens[from]` to the `}` that closes them; `end` is that brace's index. */
function buildBody(tokens: CorefileToken[], from: number): { block: CorefileDirective[]; end: number } {
  const block: CorefileDirective[] = [];
  let i = from;
  while (i < tokens.length && tokens[i]?.text !== "}") {
    const head = tokens[i] as CorefileToken;
    const startIdx = i;
    const node = emptyDirective(head, []);
    i++;
    let prev = head;
    while (i < tokens.length) {
      const t = tokens[i] as CorefileToken;
      if (t.line > prev.endLine || t.text === "}") break;
      if (t.text === "{") {
        node.openBrace = t;
        const inner = buildBody(tokens, i + 1);
        node.block = inner.block;
        node.closeBrace = tokens[inner.end] ?? null;
        i = inner.end + 1;
        break;
      }
      node.args.push(t.text);
      node.argTokens.push(t);
      prev = t;
      i++;
    }
    node.tokens = tokens.slice(startIdx, i);
    node.endLine = (tokens[i - 1] ?? head).endLine;
    block.push(node);
  }
  return { block, end: i };
}
