/**
 * What CoreDNS would say about a Corefile, in the order it would say it: parse errors first (we
 * report every unknown directive, CoreDNS stops at the first), then each plugin's setup in the
 * compile-time plugin order, block by block, then the listener check. `problems[0]` of kind
 * "parse" or "setup" is what a real start or reload would fail with.
 */
import { directiveTable, DEFAULT_COREDNS_VERSION } from "./directives";
import { Dispenser } from "./dispenser";
import { checkCache } from "./check-cache";
import { checkPlugin } from "./check-plugins";
import { CorefileError, parsingError } from "./errors";
import { parseCorefile } from "./parser";
import { parseServerKey } from "./keys";
import type { CorefileDocument, CorefileServerBlockNode, CorefileToken } from "./types";

/** One thing wrong with a Corefile. */
export interface CorefileProblem {
  /** 1-based line the problem is on (0 if it concerns the file as a whole). */
  line: number;
  /** CoreDNS's own text (for kind "advice", ours). */
  message: string;
  /** The server block's keys, e.g. "cluster.local:53". */
  block?: string;
  /**
   * "parse": CoreDNS refuses the file before setup; "setup": a plugin or listener refuses it at start
   * or reload; "advice": CoreDNS starts, but not as the operator likely meant.
   */
  kind?: "parse" | "setup" | "advice";
}

/** Validation options. */
export interface ValidateOptions {
  /** The CoreDNS version the pods run (node-cache 1.22.28 → "1.10.0"); default the newest we model. */
  corednsVersion?: string;
  /** File name in messages, like CoreDNS's -conf path (default "Corefile"). */
  filename?: string;
}

/** Every problem CoreDNS would have with the document, in CoreDNS's order. */
export function validateCorefile(doc: CorefileDocument, opts: ValidateOptions = {}): CorefileProblem[] {
  const version = opts.corednsVersion ?? DEFAULT_COREDNS_VERSION;
  const filename = opts.filename ?? "Corefile";
  const table = directiveTable(version);
  const known = new Set(table.directives);
  const compiled = new Set(table.compiledIn);
  const problems: CorefileProblem[] = [];
  const blockName = (b: CorefileServerBlockNode) => b.keys.join(" ");

  // Parse time: names CoreDNS does not know at all (documents parsed with checkDirectives: false).
  for (const b of doc.blocks) {
    for (const dir of b.directives) {
      if (!known.has(dir.name)) {
        const e = parsingError(filename, dir.line, `Unknown directive '${dir.name}'`);
        problems.push({ line: dir.line, message: e.message, block: blockName(b), kind: "parse" });
      }
      // A '}' as the first token of a block is a stray brace (caddy makes it a key of a new block).
    }
    if (b.keys.includes("}")) {
      const line = b.keyTokens[0]?.line ?? b.line;
      const e = parsingError(filename, line, "Unexpected '}' because no matching opening brace");
      problems.push({ line, message: e.message, block: blockName(b), kind: "parse" });
    }
  }

  // Setup, in plugin order then block order, as caddy's executeDirectives runs them.
  for (const name of table.directives) {
    for (const b of doc.blocks) {
      const tokens = tokensOf(b, name);
      if (tokens.length === 0) continue;
      const line = tokens[0]?.line ?? b.line;
      if (!compiled.has(name)) {
        problems.push({
          line,
          message: `no action found for directive '${name}' with server type 'dns' (missing a plugin?)`,
          block: blockName(b),
          kind: "setup",
        });
        continue;
      }
      const d = new Dispenser(tokens, filename);
      const failure = name === "cache" ? checkCache(d, version) : checkPlugin(name, d, version);
      if (failure)
        problems.push({ line: failure.line, message: failure.message, block: blockName(b), kind: "setup" });
    }
  }

  problems.push(...listenerProblems(doc), ...healthAdvice(doc));
  return problems;
}

/** All tokens of every instance of `name` in the block, concatenated: what caddy hands the plugin. */
function tokensOf(b: CorefileServerBlockNode, name: string): CorefileToken[] {
  return b.directives.filter((d) => d.name === name).flatMap((d) => d.tokens);
}

/**
 * CoreDNS's zone/listener check (`validateZonesAndListeningAddresses`): one zone+port per bind
 * address, and an unbound block overlaps every bound one for the same zone+port.
 */
function listenerProblems(doc: CorefileDocument): CorefileProblem[] {
  const problems: CorefileProblem[] = [];
  const registered = new Map<string, string>();
  const unbound = new Map<string, string>();
  for (const b of doc.blocks) {
    if (b.keys.includes("}")) continue;
    const hosts = b.directives.filter((d) => d.name === "bind").flatMap((d) => d.args);
    const listen = hosts.length > 0 ? hosts : [""];
    for (const key of b.keys) {
      const k = parseServerKey(key);
      const base = `${k.scheme}://${k.zone}:${Number.isNaN(k.port) ? "" : k.port}`;
      for (const host of listen) {
        const name = host === "" ? base : `${base} on ${host}`;
        const push = (message: string) =>
          problems.push({ line: b.line, message, block: b.keys.join(" "), kind: "setup" });
        if (registered.has(name)) {
          push(`cannot serve ${name} - it is already defined`);
          continue;
        }
        const already = unbound.get(base);
        if (already !== undefined) {
          if (host === "") {
            push(`cannot serve ${name} - zone overlap listener capacity with ${already}`);
            continue;
          }
          if (registered.has(base)) {
            push(`cannot serve ${name} - zone overlap listener capacity with ${base}`);
            continue;
          }
        }
        registered.set(name, name);
        unbound.set(base, name);
      }
    }
  }
  return problems;
}

/** `health` serves one process-wide endpoint: a second block with it is a mistake even when CoreDNS starts. */
function healthAdvice(doc: CorefileDocument): CorefileProblem[] {
  const withHealth = doc.blocks.flatMap((b) =>
    b.directives.filter((d) => d.name === "health").map((d) => ({ b, d })),
  );
  const first = withHealth[0];
  if (!first) return [];
  return withHealth.slice(1).map(({ b, d }) => ({
    line: d.line,
    message:
      `health is process-wide: enable it in one server block only (already enabled on line ${first.d.line}); ` +
      `a second health on the same address fails to listen`,
    block: b.keys.join(" "),
    kind: "advice" as const,
  }));
}

/**
 * Text in, problems out: a parse failure (unbalanced braces, `{` where a directive belongs, an
 * unknown name) becomes the single problem CoreDNS would stop at; otherwise every unknown name and
 * every setup problem is reported. What the config editor shows under the textarea.
 */
export function checkCorefile(text: string, opts: ValidateOptions = {}): CorefileProblem[] {
  let doc: CorefileDocument;
  try {
    doc = parseCorefile(text, {
      filename: opts.filename,
      corednsVersion: opts.corednsVersion,
      checkDirectives: false,
    });
  } catch (e) {
    if (e instanceof CorefileError) return [{ line: e.line, message: e.message, kind: "parse" }];
    throw e;
  }
  return validateCorefile(doc, opts);
}
