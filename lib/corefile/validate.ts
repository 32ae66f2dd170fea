/**
 * What CoreDNS would say about a Corefile, in the order it would say it: parse errors first (we
 * report every unknown directive, CoreDNS stops at the first), then each plugin's setup in the
 * compile-time plugin order, block by block, then the listener check. `problems[0]` of kind
 * "parse" or "setup" is what a real start or reload would fail with.
 */
import { checkCache } from "./check-cache";
import { newerThan, type SetupNote } from "./check-common";
import { checkPlugin } from "./check-plugins";
import { tiersWithOwnTtl } from "./describe";
import { DEFAULT_COREDNS_VERSION, DIRECTIVE_ADDED_IN, directiveTable, versionAtLeast } from "./directives";
import { Dispenser } from "./dispenser";
import { replaceEnvVars, type ContainerEnv } from "./env";
import { CorefileError, parsingError } from "./errors";
import { goAtoi } from "./go-values";
import { parseServerKey } from "./keys";
import { parseCorefile } from "./parser";
import type { CorefileDocument, CorefileServerBlockNode, CorefileToken } from "./types";
import { zoneKeyError } from "./zone-keys";

/** One thing wrong with a Corefile. */
export interface CorefileProblem {
  /** 1-based line the problem is on (0 if it concerns the file as a whole). */
  line: number;
  /** CoreDNS's own text (for kinds "stricter" and "advice", ours). */
  message: string;
  /** The server block's keys, e.g. "cluster.local:53". */
  block?: string;
  /**
   * "parse": CoreDNS refuses the file before setup; "setup": a plugin or listener refuses it at start
   * or reload; "stricter": CoreDNS would start, but the dashboard refuses (the message says why);
   * "advice": CoreDNS starts, but not as the operator likely meant, or we could not check something.
   */
  kind?: "parse" | "setup" | "stricter" | "advice";
  /** Ours, beside CoreDNS's text: e.g. "cache's serve_stale_policy arrived in CoreDNS 1.14.7: older versions refuse it". */
  note?: string;
}

/** True when CoreDNS itself refuses the file over this problem (not our stricter rules or advice). */
export function corednsRefuses(p: CorefileProblem): boolean {
  return p.kind === "parse" || p.kind === "setup" || p.kind === undefined;
}

/** Validation options. */
export interface ValidateOptions {
  /** The CoreDNS version the pods run (node-cache 1.22.28 → "1.10.0"); default the newest we model. */
  corednsVersion?: string;
  /** File name in messages, like CoreDNS's -conf path (default "Corefile"). */
  filename?: string;
  /**
   * The node-cache container's environment, for `{$NAME}` (caddy substitutes it while parsing; an
   * unset variable becomes ""): the pod spec's `env`, null for a `valueFrom` one (set, value unknown:
   * not refused), or "unknown" when `envFrom` could set any name. Default: none set, as in
   * node-local-dns's manifest.
   */
  env?: ContainerEnv;
}

/** Every problem CoreDNS would have with the document, in CoreDNS's order; ours (stricter, advice) after. */
export function validateCorefile(doc: CorefileDocument, opts: ValidateOptions = {}): CorefileProblem[] {
  const version = opts.corednsVersion ?? DEFAULT_COREDNS_VERSION;
  const filename = opts.filename ?? "Corefile";
  const env = opts.env ?? {};
  const table = directiveTable(version);
  const known = new Set(table.directives);
  const compiled = new Set(table.compiledIn);
  const problems: CorefileProblem[] = [];
  const ours: CorefileProblem[] = [];
  const blockName = (b: CorefileServerBlockNode) => b.keys.join(" ");
  const unset = new Map<string, number>();
  const expand = (t: CorefileToken): CorefileToken => {
    const r = replaceEnvVars(t.text, env);
    for (const name of r.unset) if (!unset.has(name)) unset.set(name, t.line);
    return r.text === t.text ? t : { ...t, text: r.text };
  };

  // Parse time: names CoreDNS does not know at all (documents parsed with checkDirectives: false).
  for (const b of doc.blocks) {
    for (const dir of b.directives) {
      if (!known.has(dir.name)) {
        const e = parsingError(filename, dir.line, `Unknown directive '${dir.name}'`);
        const added = DIRECTIVE_ADDED_IN[dir.name];
        const note = added && !versionAtLeast(version, added) ? newerThan(dir.name, added) : undefined;
        problems.push({
          line: dir.line,
          message: e.message,
          block: blockName(b),
          kind: "parse",
          ...(note ? { note } : {}),
        });
      }
    }
    // caddy reads a '}' left over after the last block as the key of one more block (see strayBrace).
    if (b.keys.includes("}")) ours.push(strayBrace(b));
  }

  // InspectServerBlocks: every key must be a zone CoreDNS can normalise, before any plugin runs.
  for (const b of doc.blocks) {
    if (b.keys.includes("}")) continue;
    b.keys.forEach((key, i) => {
      const tok = b.keyTokens[i];
      const expanded = tok ? expand({ ...tok, text: key }).text : key;
      const message = zoneKeyError(expanded, version);
      if (message) problems.push({ line: tok?.line ?? b.line, message, block: blockName(b), kind: "setup" });
    });
  }

  // Setup, in plugin order then block order, as caddy's executeDirectives runs them.
  const notes: (SetupNote & { block: string })[] = [];
  for (const name of table.directives) {
    for (const b of doc.blocks) {
      const tokens = tokensOf(b, name).map(expand);
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
      const found: SetupNote[] = [];
      const failure = name === "cache" ? checkCache(d, version) : checkPlugin(name, d, version, found);
      notes.push(...found.map((n) => ({ ...n, block: blockName(b) })));
      if (failure) {
        problems.push({
          line: failure.line,
          message: failure.message,
          block: blockName(b),
          kind: "setup",
          ...(failure.note ? { note: failure.note } : {}),
        });
      }
    }
  }

  problems.push(...listenerProblems(doc));
  for (const [name, line] of unset) {
    ours.push({
      line,
      message:
        `{$${name}} is read from the node-cache container's environment when CoreDNS parses the file; ` +
        `${opts.env ? "the pod spec does not set it" : "the dashboard assumes it unset"}, and caddy makes an ` +
        'unset variable "" (checked here as such)',
      kind: "advice",
    });
  }
  for (const imp of doc.imports) {
    if (imp.snippet !== null) continue;
    ours.push({
      line: imp.line,
      message:
        `import ${imp.pattern}: a file on the node, which the dashboard cannot read, so its contents are not ` +
        "checked; CoreDNS refuses to start if a name without wildcards matches no file (File to import not found)",
      kind: "advice",
    });
  }
  for (const n of notes) ours.push({ line: n.line, message: n.message, block: n.block, kind: "advice" });
  ours.push(...healthAdvice(doc), ...cacheTtlAdvice(doc));
  return [...problems, ...ours];
}

/**
 * A '}' after the last block. CoreDNS (caddy) takes it as the key of one more server block, `}.:53`,
 * warns, and starts: a block with no plugins and no bind listens on port 53 of every interface and
 * answers nothing useful. The dashboard refuses it: the brace is almost always a slip (a block closed
 * twice), and that listener can take port 53 on the node from another resolver.
 */
function strayBrace(b: CorefileServerBlockNode): CorefileProblem {
  const line = b.keyTokens[0]?.line ?? b.line;
  return {
    line,
    message:
      `Unexpected '}' on line ${line} with no matching '{'. Stricter than CoreDNS: CoreDNS would ` +
      "start and serve an extra server block '}.:53' with no plugins on port 53 of every interface; the " +
      "dashboard refuses it because such a brace is almost always a slip. Remove it.",
    block: b.keys.join(" "),
    kind: "stricter",
  };
}

/**
 * `cache TTL` is the max TTL of both tiers unless a `success`/`denial` line gives its own: cacheParse
 * reads those lines after the argument, so theirs wins.
 */
function cacheTtlAdvice(doc: CorefileDocument): CorefileProblem[] {
  const out: CorefileProblem[] = [];
  for (const b of doc.blocks) {
    const cache = b.directives.find((d) => d.name === "cache");
    const first = cache?.args[0];
    if (!cache || first === undefined || !goAtoi(first).ok) continue;
    const own = tiersWithOwnTtl(cache);
    if (own.length === 0) continue;
    const list = own.map((o) => `${o.tier} ${o.ttl}s on line ${o.line}`).join(" and ");
    out.push({
      line: cache.line,
      message:
        own.length === 2
          ? `cache ${first} changes nothing CoreDNS serves: both tiers set their own TTL (${list}), which wins`
          : `cache ${first} applies to ${own[0]?.tier === "success" ? "denial" : "success"} only: ${list} sets its own TTL, which wins`,
      block: b.keys.join(" "),
      kind: "advice",
    });
  }
  return out;
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
