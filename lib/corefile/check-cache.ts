/**
 * The `cache` plugin's setup (`plugin/cache/setup.go` cacheParse), statement for statement, with
 * the sub-directives each CoreDNS version knows. Returns the first error, as CoreDNS does.
 */
import { fail, newerThan, noteOf, SetupFail, withNote } from "./check-common";
import { versionAtLeast } from "./directives";
import { Dispenser, ERR_ONCE, type SetupFailure } from "./dispenser";
import { CorefileError } from "./errors";
import { goAtoi, goParseDuration, type GoResult } from "./go-values";

/** cache sub-directives newer than 1.7.0, with the first tag whose cacheParse has them. */
const CACHE_ADDED_IN: Readonly<Record<string, string>> = {
  servfail: "1.9.4",
  disable: "1.9.4",
  keepttl: "1.10.1",
  serve_stale_policy: "1.14.7",
};

export function checkCache(d: Dispenser, version: string): SetupFailure | null {
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
    let serveStale = false;
    let policy = false;
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
          serveStale = true;
          serveStaleArgs(d.remainingArgs(), version, d);
        } else if (sub === "serve_stale_policy" && versionAtLeast(version, "1.14.7")) {
          if (policy) fail("serve_stale_policy can only be specified once");
          policy = true;
          const a = d.remainingArgs();
          if (a.length !== 1) throw d.argErr();
          if ((a[0] as string).toLowerCase() !== "prefer_positive")
            fail(`invalid serve_stale_policy: ${a[0]}`);
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
          const added = CACHE_ADDED_IN[sub];
          throw withNote(d.argErr(), added ? newerThan(`cache's ${sub}`, added) : undefined);
        }
      }
      if (policy && !serveStale) fail("serve_stale_policy requires serve_stale");
    }
    return null;
  } catch (e) {
    if (e instanceof SetupFail || e instanceof CorefileError) {
      const note = noteOf(e);
      return { message: `plugin/cache: ${e.message}`, line: d.line(), ...(note ? { note } : {}) };
    }
    throw e;
  }
}

/**
 * `serve_stale [DURATION [REFRESH_MODE [...]]]`: REFRESH_MODE arrived in 1.9.2, a verify timeout in
 * 1.14.4, the stale answers' TTL and a failure recheck in 1.14.7.
 */
function serveStaleArgs(a: string[], version: string, d: Dispenser): void {
  const max = versionAtLeast(version, "1.14.7")
    ? 5
    : versionAtLeast(version, "1.14.4")
      ? 3
      : versionAtLeast(version, "1.9.2")
        ? 2
        : 1;
  if (a.length > max) {
    const what = [
      "",
      "serve_stale's REFRESH_MODE",
      "serve_stale's verify timeout",
      "serve_stale's stale TTL",
    ];
    const added = ["", "1.9.2", "1.14.4", "1.14.7", "1.14.7"][max];
    throw withNote(d.argErr(), added ? newerThan(what[max] ?? "serve_stale's RECHECK", added) : undefined);
  }
  if (a.length > 0 && must(goParseDuration(a[0] as string)) < 0)
    fail("invalid negative duration for serve_stale");
  if (a.length < 2) return;
  const mode = (a[1] as string).toLowerCase();
  if (mode !== "immediate" && mode !== "verify") fail(`invalid value for serve_stale refresh mode: ${mode}`);
  if (a.length < 3) return;
  const verify = mode === "verify";
  let rest = a.slice(2);
  if (max === 3 && !verify) fail("serve_stale timeout is only valid with the verify refresh mode");
  if (verify) {
    const t = goParseDuration(rest[0] as string);
    if (!t.ok) fail(`invalid serve_stale verify timeout: ${t.error}`);
    else if (t.value < 0) fail("invalid negative timeout for serve_stale verify");
    rest = rest.slice(1);
  } else if (rest.length > 2) {
    throw d.argErr();
  }
  if (rest[0] !== undefined) {
    const ttl = goParseDuration(rest[0]);
    if (!ttl.ok) fail(`invalid serve_stale response TTL: ${ttl.error}`);
    else if (ttl.value < 0) fail("invalid negative response TTL for serve_stale");
    else if (!Number.isInteger(ttl.value)) fail("serve_stale response TTL must be a whole number of seconds");
  }
  if (rest[1] !== undefined) {
    const r = goParseDuration(rest[1]);
    if (!r.ok) fail(`invalid serve_stale failure recheck: ${r.error}`);
    else if (r.value < 0) fail("invalid negative failure recheck for serve_stale");
    else if (r.value > 300) fail("serve_stale failure recheck cannot exceed 5 minutes");
  }
}

function must<T>(r: GoResult<T>): T {
  return r.ok ? r.value : fail(r.error);
}
