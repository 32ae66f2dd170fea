/**
 * caddy's `Dispenser`, the cursor every CoreDNS plugin's setup walks its tokens with. Porting it
 * (rather than reading our tree) keeps the plugins' odd corners exact: a `{` on the next line, a
 * `}` on an argument line, a second instance of the directive in the same block.
 */
import { CorefileError, parsingError, syntaxError } from "./errors";
import type { CorefileToken } from "./types";

export class Dispenser {
  private cursor = -1;
  private nesting = 0;

  /** @param tokens every token of every instance of one directive in one server block, in order. */
  constructor(
    private readonly tokens: readonly CorefileToken[],
    private readonly filename: string,
  ) {}

  next(): boolean {
    if (this.cursor < this.tokens.length - 1) {
      this.cursor++;
      return true;
    }
    return false;
  }

  /** Advances only if the next token is on the same line. */
  nextArg(): boolean {
    if (this.cursor < 0) {
      this.cursor++;
      return true;
    }
    if (this.cursor >= this.tokens.length) return false;
    const cur = this.tokens[this.cursor];
    const nxt = this.tokens[this.cursor + 1];
    if (cur && nxt && cur.endLine === nxt.line) {
      this.cursor++;
      return true;
    }
    return false;
  }

  /** Enters or walks a `{ }` block opened on the current line; false once it closes. */
  nextBlock(): boolean {
    if (this.nesting > 0) {
      this.next();
      if (this.val() === "}") {
        this.nesting--;
        return false;
      }
      return true;
    }
    if (!this.nextArg()) return false; // a block must open on the same line
    if (this.val() !== "{") {
      this.cursor--;
      return false;
    }
    this.next();
    if (this.val() === "}") return false; // opened and closed at once
    this.nesting++;
    return true;
  }

  remainingArgs(): string[] {
    const args: string[] = [];
    while (this.nextArg()) {
      if (this.val() === "{") {
        this.cursor--;
        break;
      }
      args.push(this.val());
    }
    return args;
  }

  val(): string {
    return this.tokens[this.cursor]?.text ?? "";
  }

  line(): number {
    return this.tokens[this.cursor]?.line ?? 0;
  }

  /** `Wrong argument count or unexpected line ending after '<tok>'`, with file and line. */
  argErr(): CorefileError {
    if (this.val() === "{") return this.err("Unexpected token '{', expecting argument");
    return this.err(`Wrong argument count or unexpected line ending after '${this.val()}'`);
  }

  err(msg: string): CorefileError {
    return parsingError(this.filename, this.line(), msg);
  }

  /** caddy's SyntaxErr: `Syntax error: Unexpected token '<tok>', expecting '<expected>'`. */
  syntaxErr(expected: string): CorefileError {
    return syntaxError(this.filename, this.line(), this.val(), expected);
  }
}

/** A setup failure: CoreDNS's text for it, and the line it concerns. */
export interface SetupFailure {
  message: string;
  line: number;
  /** Ours, beside CoreDNS's text: e.g. which CoreDNS version added the option. */
  note?: string;
}

/** CoreDNS's `plugin.ErrOnce`. */
export const ERR_ONCE = "this plugin can only be used once per Server Block";
