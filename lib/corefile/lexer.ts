/**
 * The coredns/caddy `caddyfile` lexer, ported rule for rule so our tokens and line numbers are the
 * ones CoreDNS's error messages name. Unlike caddy we also keep each token's exact place in the
 * source, which is what makes printing lossless and edits line-local.
 */
import type { CorefileToken } from "./types";

export type { CorefileToken };

/** Go's unicode.IsSpace. JavaScript's \s misses U+0085 and includes U+FEFF, hence the explicit set. */
function isSpace(ch: string): boolean {
  switch (ch) {
    case " ":
    case "\t":
    case "\n":
    case "\v":
    case "\f":
    case "\r":
    case "\u0085":
    case "\u00a0":
      return true;
    default:
      return ch !== "\ufeff" && /^\s$/u.test(ch);
  }
}

/**
 * Splits Corefile text into tokens the way caddy does: whitespace separates, `#` starts a comment
 * even inside a word, a token starting with `"` runs to the next unescaped `"` (newlines included),
 * `\r` is dropped. An unterminated quote is not an error (caddy returns what it read).
 */
export function tokenize(source: string): CorefileToken[] {
  const tokens: CorefileToken[] = [];
  let line = 1;
  let lineStart = 0;
  let val = "";
  let comment = false;
  let quoted = false;
  let escaped = false;
  let inToken = false;
  let tok: { line: number; column: number; start: number; quoted: boolean } | null = null;
  // End of the last character kept in an unquoted word: a trailing comment is not part of its raw text.
  let wordEnd = 0;

  const finish = (end: number) => {
    if (tok) {
      tokens.push({
        text: val,
        raw: source.slice(tok.start, end),
        quoted: tok.quoted,
        line: tok.line,
        endLine: line,
        column: tok.column,
        start: tok.start,
        end,
      });
    }
    val = "";
    tok = null;
    inToken = false;
  };

  for (let i = 0; i < source.length;) {
    const cp = source.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    const next = i + ch.length;

    if (quoted) {
      if (!escaped) {
        if (ch === "\\") {
          escaped = true;
          i = next;
          continue;
        } else if (ch === '"') {
          quoted = false;
          finish(next);
          i = next;
          continue;
        }
      }
      if (ch === "\n") {
        line++;
        lineStart = next;
      }
      // Only \" is an escape; any other backslash stays in the value.
      if (escaped && ch !== '"') val += "\\";
      val += ch;
      escaped = false;
      i = next;
      continue;
    }

    if (isSpace(ch)) {
      // caddy skips \r before it checks for the end of a token, so "a\rb" lexes as "ab".
      if (ch === "\r") {
        i = next;
        continue;
      }
      if (inToken && val.length > 0) finish(wordEnd);
      if (ch === "\n") {
        line++;
        lineStart = next;
        comment = false;
        inToken = false;
        tok = null;
      }
      i = next;
      continue;
    }

    if (ch === "#") {
      // A comment ends the current word too; caddy emits what it had once whitespace follows.
      comment = true;
    }
    if (comment) {
      i = next;
      continue;
    }

    if (val.length === 0 && !inToken) {
      inToken = true;
      tok = { line, column: i - lineStart + 1, start: i, quoted: false };
      if (ch === '"') {
        quoted = true;
        tok.quoted = true;
        i = next;
        continue;
      }
    }
    val += ch;
    wordEnd = next;
    i = next;
  }
  // EOF: caddy returns a pending token only if it has characters (an unterminated "" is dropped).
  if (tok && val.length > 0) finish(quoted ? source.length : wordEnd);
  return tokens;
}
