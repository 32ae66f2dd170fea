/**
 * The `cache` plugin's setup (`plugin/cache/setup.go` cacheParse), statement for statement, with
 * the sub-directives each CoreDNS version knows. Returns the first error, as CoreDNS does.
 */
import { versionAtLeast } from "./directives";
import { Dispenser, ERR_ONCE, type SetupFailure } from "./dispenser";
import { CorefileError } from "./errors";
import { goAtoi, goParseDuration } from "./go-values";

class Fail extends Error {}

export function checkCache(d: Dispenser, version: string): SetupFailure | null {
  const fail = (message: string): never => {
    throw new Fail(message);
  };
  const atoi = (s: string): number => {
    const r = goAtoi(s);
    return r.ok ? r.value : fail(r.error);
  };
  const duration = (s: string): number => {
    const r = goParseDuration(s);
    return r.ok ? r.value : fail(r.error);
  };
  try {
    let j = 0;
    while (d.next()) {
      if (j > 0) fail(ERR_ONCE);
      j++;
      const args = d.remainingArgs();
      const first = args[0];
      if (first !== undefined) {
        const ttl = goAtoi(first);
        if (ttl.ok && ttl.value <= 0) fail(`cache TTL can not be zero or negative: ${ttl.value}`);
      }
      while (d.nextBlock()) {
        const sub = d.val();
        if (sub === "success" || sub === "denial") {
          const a = d.remainingArgs();
          if (a.length === 0) throw d.argErr();
          atoi(a[0] as string);
          if (a.length > 1) {
            const ttl = atoi(a[1] as string);
            if (ttl <= 0) fail(`cache TTL can not be zero or negative: ${ttl}`);
            if (a.length > 2) {
              const min = atoi(a[2] as string);
              if (min < 0) fail(`cache min TTL can not be negative: ${min}`);
            }
          }
        } else if (sub === "prefetch") {
          const a = d.remainingArgs();
          if (a.length === 0 || a.length > 3) throw d.argErr();
          const amount = atoi(a[0] as string);
          if (amount < 0) fail(`prefetch amount should be positive: ${amount}`);
          if (a.length > 1) duration(a[1] as string);
          if (a.length > 2) {
            const pct = a[2] as string;
            const last = pct[pct.length - 1] ?? "";
            // Go prints the byte with %q: '5'.
            if (last !== "%") fail(`last character of percentage should be \`%\`, but is: '${last}'`);
            const num = atoi(pct.slice(0, -1));
            if (num < 10 || num > 90) fail(`percentage should fall in range [10, 90]: ${num}`);
          }
        } else if (sub === "serve_stale") {
          const a = d.remainingArgs();
          // REFRESH_MODE arrived in 1.9.2; before that serve_stale took at most a duration.
          const max = versionAtLeast(version, "1.9.2") ? 2 : 1;
          if (a.length > max) throw d.argErr();
          if (a.length > 0 && duration(a[0] as string) < 0) fail("invalid negative duration for serve_stale");
          if (a.length > 1) {
            const mode = (a[1] as string).toLowerCase();
            if (mode !== "immediate" && mode !== "verify")
              fail(`invalid value for serve_stale refresh mode: ${mode}`);
          }
        } else if (sub === "servfail" && versionAtLeast(version, "1.9.4")) {
          const a = d.remainingArgs();
          if (a.length !== 1) throw d.argErr();
          const s = duration(a[0] as string);
          if (s < 0) fail("invalid negative ttl for servfail");
          if (s > 300) fail("caching SERVFAIL responses over 5 minutes is not permitted");
        } else if (sub === "disable" && versionAtLeast(version, "1.9.4")) {
          const a = d.remainingArgs();
          if (a.length < 1) throw d.argErr();
          if (a[0] !== "success" && a[0] !== "denial")
            fail('cache type for disable must be "success" or "denial"');
        } else if (sub === "keepttl" && versionAtLeast(version, "1.10.1")) {
          if (d.remainingArgs().length !== 0) throw d.argErr();
        } else {
          throw d.argErr();
        }
      }
    }
    return null;
  } catch (e) {
    if (e instanceof Fail || e instanceof CorefileError) {
      return { message: `plugin/cache: ${e.message}`, line: d.line() };
    }
    throw e;
  }
}
