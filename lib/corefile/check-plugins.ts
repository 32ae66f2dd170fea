/**
 * Setup checks of the other plugins a node-local-dns Corefile uses, each following its plugin's
 * setup.go: the messages are CoreDNS's. Plugins not listed here are accepted as written.
 */
import { versionAtLeast } from "./directives";
import { Dispenser, ERR_ONCE, type SetupFailure } from "./dispenser";
import { CorefileError } from "./errors";
import { goParseDuration } from "./go-values";

class Fail extends Error {}
const fail = (message: string): never => {
  throw new Fail(message);
};
const duration = (s: string): number => {
  const r = goParseDuration(s);
  return r.ok ? r.value : fail(r.error);
};

/** Go's net.SplitHostPort error for an address, or null when it splits. */
export function splitHostPortError(addr: string): string | null {
  const missing = `address ${addr}: missing port in address`;
  if (addr.startsWith("[")) {
    const close = addr.indexOf("]");
    if (close === -1) return `address ${addr}: missing ']' in address`;
    const rest = addr.slice(close + 1);
    if (rest === "") return missing;
    if (!rest.startsWith(":")) return `address ${addr}: missing port in address`;
    if (rest.slice(1).includes(":")) return `address ${addr}: too many colons in address`;
    return null;
  }
  const colon = addr.lastIndexOf(":");
  if (colon === -1) return missing;
  if (addr.slice(0, colon).includes(":")) return `address ${addr}: too many colons in address`;
  return null;
}

type Check = (d: Dispenser, version: string) => void;

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
    let i = 0;
    while (d.next()) {
      if (i > 0) fail(ERR_ONCE);
      i++;
      const args = d.remainingArgs();
      if (args.length > 1 || (args.length === 1 && args[0] !== "stdout")) {
        if (args.length === 1) throw d.err(`invalid log file: ${args[0]}`);
        throw d.argErr();
      }
      while (d.nextBlock()) {
        const sub = d.val();
        if (sub === "stacktrace" && versionAtLeast(version, "1.10.0")) {
          if (d.remainingArgs().length !== 0) throw d.argErr();
        } else if (sub === "consolidate") {
          const a = d.remainingArgs();
          // The optional LEVEL (third argument) arrived with 1.10.0.
          const max = versionAtLeast(version, "1.10.0") ? 3 : 2;
          if (a.length < 2 || a.length > max) throw d.argErr();
          const r = goParseDuration(a[0] as string);
          if (!r.ok) throw d.err(r.error);
        } else {
          throw d.argErr();
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
      if (args.length === 1) {
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

  forward(d) {
    // No once-per-block rule here: newer CoreDNS chains several forward stanzas, so we stay lenient.
    while (d.next()) {
      if (!d.nextArg()) throw d.argErr(); // FROM
      const to = d.remainingArgs();
      if (to.length === 0) throw d.argErr();
      while (d.nextBlock()) {
        if (!FORWARD_PROPERTIES.has(d.val())) throw d.err(`unknown property '${d.val()}'`);
        d.remainingArgs();
      }
    }
  },
};

// Every property forward has had in the versions we model; unknown ones fail at setup.
const FORWARD_PROPERTIES = new Set([
  "except",
  "max_fails",
  "health_check",
  "force_tcp",
  "prefer_udp",
  "tls",
  "tls_servername",
  "expire",
  "policy",
  "max_concurrent",
  "next",
  "failfast_all_unhealthy_upstreams",
]);

/** Runs the plugin's setup check, if we model it; the first failure, or null. */
export function checkPlugin(name: string, d: Dispenser, version: string): SetupFailure | null {
  const check = checks[name];
  if (!check) return null;
  try {
    check(d, version);
    return null;
  } catch (e) {
    if (e instanceof Fail || e instanceof CorefileError) {
      return { message: `plugin/${name}: ${e.message}`, line: d.line() };
    }
    throw e;
  }
}
