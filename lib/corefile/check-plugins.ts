/**
 * Setup checks of the other plugins a node-local-dns Corefile uses, each following its plugin's
 * setup.go: the messages are CoreDNS's. Plugins not listed here are accepted as written.
 */
import {
  fail,
  isPillarPlaceholder,
  newerThan,
  noteOf,
  SetupFail,
  withNote,
  type SetupNote,
} from "./check-common";
import { checkForward } from "./check-forward";
import { versionAtLeast } from "./directives";
import { Dispenser, ERR_ONCE, type SetupFailure } from "./dispenser";
import { CorefileError } from "./errors";
import { goParseIP, goSplitHostPort } from "./go-net";
import { goAtoi, goParseDuration } from "./go-values";

const duration = (s: string): number => {
  const r = goParseDuration(s);
  return r.ok ? r.value : fail(r.error);
};

/** Go's net.SplitHostPort error for an address, or null when it splits. */
export function splitHostPortError(addr: string): string | null {
  const r = goSplitHostPort(addr);
  return "error" in r ? r.error : null;
}

type Check = (d: Dispenser, version: string, notes: SetupNote[]) => void;

const LOG_CLASSES = new Set(["all", "success", "denial", "error"]);

const checks: Record<string, Check> = {
  log(d) {
    // Several `log` lines are allowed: each is its own rule.
    while (d.next()) {
      d.remainingArgs();
      while (d.nextBlock()) {
        if (d.val() !== "class") throw d.argErr();
        const classes = d.remainingArgs();
        if (classes.length === 0) throw d.argErr();
        for (const c of classes) if (!LOG_CLASSES.has(c)) fail(`invalid Class: ${c}`);
      }
    }
  },

  errors(d, version) {
    // plugin/errors/setup.go errorsParse; before 1.9.3 the block took only `consolidate` (parseBlock).
    let i = 0;
    while (d.next()) {
      if (i > 0) fail(ERR_ONCE);
      i++;
      const args = d.remainingArgs();
      if (args.length === 1 && args[0] !== "stdout") throw d.err(`invalid log file: ${args[0]}`);
      if (args.length > 1) throw d.argErr();
      while (d.nextBlock()) {
        const sub = d.val();
        if (!versionAtLeast(version, "1.9.3")) {
          if (sub !== "consolidate") {
            const note = sub === "stacktrace" ? newerThan("errors stacktrace", "1.9.3") : undefined;
            throw withNote(d.syntaxErr("consolidate"), note);
          }
        } else if (sub === "stacktrace") {
          continue;
        } else if (sub !== "consolidate") {
          throw d.syntaxErr(`Unknown field ${sub}`);
        }
        const a = d.remainingArgs();
        // The optional LEVEL (third argument) arrived with 1.8.5.
        const max = versionAtLeast(version, "1.8.5") ? 3 : 2;
        if (a.length < 2 || a.length > max) {
          const note = a.length === 3 ? newerThan("consolidate's LEVEL", "1.8.5") : undefined;
          throw withNote(d.argErr(), note);
        }
        const r = goParseDuration(a[0] as string);
        if (!r.ok) throw d.err(r.error);
        const level = a[2];
        if (level !== undefined && !["warning", "error", "info", "debug"].includes(level)) {
          throw d.err(`unknown log level argument in consolidate: ${level}`);
        }
      }
    }
  },

  reload(d) {
    // reload reads only its first line; later ones in the block are ignored.
    d.next();
    const args = d.remainingArgs();
    if (args.length > 2) throw d.argErr();
    const interval = args[0] !== undefined ? duration(args[0]) : 30;
    if (interval < 2) fail("interval value must be greater or equal to 2s");
    const jitter = args[1] !== undefined ? duration(args[1]) : 15;
    if (jitter < 1) fail("jitter value must be greater or equal to 1s");
  },

  health(d) {
    while (d.next()) {
      const args = d.remainingArgs();
      if (args.length > 1) throw d.argErr();
      if (args.length === 1) {
        const e = splitHostPortError(args[0] as string);
        if (e) fail(e);
      }
      while (d.nextBlock()) {
        if (d.val() !== "lameduck") throw d.argErr();
        const a = d.remainingArgs();
        if (a.length !== 1) throw d.argErr();
        const r = goParseDuration(a[0] as string);
        if (!r.ok) fail(`unable to parse lameduck duration value: ${JSON.stringify(a[0])}: ${r.error}`);
      }
    }
  },

  prometheus(d) {
    let i = 0;
    while (d.next()) {
      if (i > 0) fail(ERR_ONCE);
      i++;
      const args = d.remainingArgs();
      if (args.length > 1) throw d.argErr();
      if (args.length === 1 && !isPillarPlaceholder(args[0] as string)) {
        const e = splitHostPortError(args[0] as string);
        if (e) fail(e);
      }
    }
  },

  loop(d) {
    let i = 0;
    while (d.next()) {
      if (i > 0) fail(ERR_ONCE);
      i++;
      if (d.nextArg()) throw d.argErr();
    }
  },

  forward: checkForward,

  bind(d, version, notes) {
    // plugin/bind/setup.go. Interface names and `except` arrived in 1.8.4; before, IPs only.
    const modern = versionAtLeast(version, "1.8.4");
    while (d.next()) {
      const addrs = d.remainingArgs();
      if (addrs.length === 0) {
        fail(
          modern ? "at least one address or interface name is expected" : "at least one address is expected",
        );
      }
      const all = [...addrs];
      if (modern) {
        while (d.nextBlock()) {
          if (d.val() !== "except") fail(`invalid option ${JSON.stringify(d.val())}`);
          const except = d.remainingArgs();
          if (except.length === 0) {
            fail("at least one address or interface must be given to except subdirective");
          }
          all.push(...except);
        }
      }
      for (const a of all) {
        if (isPillarPlaceholder(a) || goParseIP(a)) continue;
        if (!modern) fail(`not a valid IP address: ${a}`);
        if (!couldBeInterfaceName(a)) fail(`not a valid IP address or interface name: ${JSON.stringify(a)}`);
        notes.push({
          line: d.line(),
          message:
            `bind ${a}: an interface name, looked up on each node when CoreDNS starts (node-cache runs in ` +
            `the host network); the dashboard cannot see the nodes' interfaces, and a node without "${a}" ` +
            "would refuse this Corefile (plugin/bind: not a valid IP address or interface name)",
        });
      }
    }
  },

  bufsize(d) {
    // plugin/bufsize/setup.go parse: reads the first line only; one optional integer in [512, 4096]
    // (RFC 6891), anything else is ArgErr.
    if (!d.next()) return;
    const args = d.remainingArgs();
    if (args.length === 0) return;
    if (args.length > 1) throw d.argErr();
    const n = goAtoi(args[0] as string);
    if (!n.ok || n.value < 512 || n.value > 4096) throw d.argErr();
  },
};

/** Linux interface names: 1–15 bytes without '/', ':' or spaces, and not a broken number like 300.1.1.1. */
function couldBeInterfaceName(s: string): boolean {
  return /^[^\s/:]{1,15}$/.test(s) && !/^[\d.]+$/.test(s);
}

/** Runs the plugin's setup check, if we model it; the first failure, or null. */
export function checkPlugin(
  name: string,
  d: Dispenser,
  version: string,
  notes: SetupNote[] = [],
): SetupFailure | null {
  const check = checks[name];
  if (!check) return null;
  try {
    check(d, version, notes);
    return null;
  } catch (e) {
    if (e instanceof SetupFail || e instanceof CorefileError) {
      const note = noteOf(e);
      return { message: `plugin/${name}: ${e.message}`, line: d.line(), ...(note ? { note } : {}) };
    }
    throw e;
  }
}
