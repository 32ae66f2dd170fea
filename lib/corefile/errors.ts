/** A Corefile CoreDNS would refuse to parse, with CoreDNS's own message. */
export class CorefileError extends Error {
  /** 1-based line CoreDNS names in the message (0 when it names none). */
  readonly line: number;

  /**
   * @param message exactly as CoreDNS prints it, e.g.
   *   "Corefile:12 - Error during parsing: Unknown directive 'cahce'"
   */
  constructor(message: string, line: number) {
    super(message);
    this.name = "CorefileError";
    this.line = line;
  }
}

/** caddy's `Dispenser.Errf`: "<file>:<line> - Error during parsing: <msg>". */
export function parsingError(filename: string, line: number, msg: string): CorefileError {
  return new CorefileError(`${filename}:${line} - Error during parsing: ${msg}`, line);
}

/** caddy's `Dispenser.SyntaxErr`. */
export function syntaxError(filename: string, line: number, got: string, expected: string): CorefileError {
  return new CorefileError(
    `${filename}:${line} - Syntax error: Unexpected token '${got}', expecting '${expected}'`,
    line,
  );
}
