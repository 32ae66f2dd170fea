/**
 * What one line of node-local-dns container output means, as the dashboard's own small types.
 * Produced by `parseCorednsLogLine` (lib/logs/parse.ts); nothing here does I/O.
 *
 * Every line becomes exactly one of these and nothing is dropped: a line we do not understand is an
 * `OtherLogLine` with its text kept, so the log viewer can always show what the pod printed.
 */

/** The `[LEVEL] ` prefix CoreDNS's `clog` (and node-cache, which uses it) puts on a line. */
export type LogLevel = "INFO" | "WARNING" | "ERROR" | "FATAL" | "DEBUG";

/**
 * One query line from the `log` plugin: the default `{common}` format, or `{combined}` which adds
 * `"{>opcode}"` at the end. Every such line is logged at INFO.
 *
 * `name` is kept exactly as CoreDNS printed it: lower-cased presentation format, where a byte that is
 * special or unprintable inside a label is escaped (`\.` for a dot inside a label, `\ ` or `\032` for a
 * space, `\"`, `\\`, `\DDD`). It is deliberately not unescaped: the printed form is what `dig` and the
 * operator's grep show, it is unambiguous (an unescaped form could not tell `a\.b.` from `a.b.`), and it
 * is plain text, safe to render (React escapes `<script>`). Use `splitDnsLabels` for label-aware work.
 */
export interface QueryLogLine {
  kind: "query";
  /** Client address without port; an IPv6 client is printed `[::1]:50759` and stored here as `::1`. */
  clientIp: string;
  clientPort: number;
  /** DNS message ID (`{>id}`); with the client address it ties a query to its retries. */
  queryId: number;
  /** Query type as printed: `A`, `AAAA`, `HINFO`, `TYPE65534`, ... */
  type: string;
  /** Query class as printed, nearly always `IN`. */
  class: string;
  /** Query name exactly as printed (see the interface comment), with its trailing dot. */
  name: string;
  /** Transport the client used: `udp` or `tcp` (DoT/DoH would show `tcp`). */
  proto: "udp" | "tcp" | (string & {});
  /** Request size in bytes. */
  requestSize: number;
  /** The EDNS0 DO bit (`{>do}`); null when CoreDNS printed `-`. */
  doBit: boolean | null;
  /** Advertised UDP buffer size (`{>bufsize}`): 512 without EDNS over UDP, 65535 over TCP; null for `-`. */
  bufSize: number | null;
  /**
   * Response code name (`NOERROR`, `NXDOMAIN`, `SERVFAIL`, ...). Null when CoreDNS printed `-`, which
   * CoreDNS ≥1.10 does when no response was written (the upstream failed; an `errors` line follows).
   * CoreDNS 1.7.0 prints a misleading `NOERROR` with flags `-` and size 0 in that case instead; see
   * `looksLikeFailedUpstream` in lib/logs/parse-query.ts.
   */
  rcode: string | null;
  /** Response header flags, `qr,aa,rd` → `["qr","aa","rd"]`; `-` (no response) → `[]`. */
  flags: string[];
  /** Response size in bytes; 0 when no response was written. */
  responseSize: number;
  /** Time to answer, from `{duration}` (`0.000454366s` → 0.000454366). */
  durationSeconds: number;
  /** Only with the `{combined}` format: the opcode, e.g. `QUERY`. */
  opcode?: string;
  /** The line as given, byte for byte (including a trailing `\r` if there was one). */
  raw: string;
}

/**
 * One line of the `errors` plugin: `[ERROR] plugin/errors: 2 name. A: <error text>`, printed with
 * `"%d %s %s: %s"` (rcode number, qname, qtype, error). It usually follows the failed query's log line.
 */
export interface ErrorLogLine {
  kind: "error";
  /** Rcode name from the number via the DNS rcode table: 2 → `SERVFAIL`; unknown n → `RCODE<n>`. */
  rcode: string;
  rcodeNumber: number;
  /** Query name exactly as printed (same escaping rules as `QueryLogLine.name`). */
  name: string;
  type: string;
  /** The error text, e.g. `read udp 10.0.0.1:48440->10.0.0.3:53: i/o timeout`. */
  message: string;
  raw: string;
}

/**
 * The `errors` plugin's `consolidate` summary: `2 errors like '^read udp .* i/o timeout$' occurred in
 * last 30s`. It stands for `count` errors whose individual lines were NOT printed, so a per-node error
 * count must add `count` (see `errorCount`). It is its own kind, not an `ErrorLogLine`, because it has
 * no rcode, name or type — giving it fake ones would mislead every consumer that reads them.
 */
export interface ErrorSummaryLogLine {
  kind: "errorSummary";
  /** ERROR by default; `consolidate DURATION REGEXP warning|info|debug` (CoreDNS ≥1.10) changes it. */
  level: LogLevel;
  count: number;
  /** The consolidate REGEXP as configured, e.g. `^read udp .* i/o timeout$`. */
  pattern: string;
  /** The consolidate DURATION as Go prints it: `30s`, `5m0s`. */
  period: string;
  /** `period` in seconds; null if it is not a Go duration we can read. */
  periodSeconds: number | null;
  raw: string;
}

/** A lifecycle line worth acting on, recognised from `OtherLogLine.message` (see parse-event.ts). */
export type LogEvent =
  /** `Starting node-cache image: 1.22.28` — node-cache (not CoreDNS) starts. */
  | { type: "nodeCacheStarting"; version: string }
  /** `Using config file:` — the following unprefixed lines are the rendered Corefile. */
  | { type: "usingConfigFile" }
  /** `.:53 on 127.0.0.10` — one per server block and bind address, printed before the banner. */
  | { type: "listener"; zone: string; port: number; address: string | null }
  /** `CoreDNS-1.10.0` — the banner; CoreDNS has finished (re)starting its servers. */
  | { type: "version"; coredns: string }
  /** `plugin/reload: Running configuration SHA512 = …` (MD5 up to CoreDNS 1.9). */
  | { type: "configHash"; algorithm: "MD5" | "SHA512"; hash: string }
  /** `[INFO] Reloading` — the reload plugin saw a changed Corefile. */
  | { type: "reloading" }
  /** `[INFO] Reloading complete` — the new Corefile is live. */
  | { type: "reloadComplete" }
  /** `[ERROR] Restart failed: <err>` — the new Corefile was rejected; the old one keeps serving. */
  | { type: "restartFailed"; error: string }
  /** `[ERROR] plugin/reload: Corefile changed but reload failed: <err>` — same failure, reload plugin's line. */
  | { type: "reloadFailed"; error: string }
  /** `[WARNING] plugin/reload: Corefile parse failed: <err>` — the edit does not even parse. */
  | { type: "corefileParseFailed"; error: string }
  /** `[FATAL] plugin/loop: Loop (…) detected for zone "."…` — the pod exits and crash-loops. */
  | { type: "loopDetected"; zone: string }
  /** `SIGTERM: Shutting down servers then terminating` / `Untrapped signal, tearing down`. */
  | { type: "shutdown" };

/**
 * Anything else: node-cache lifecycle, reload lines, the banner, listener lines, the Corefile dump,
 * `[WARNING]`s, unparseable or truncated text. Kept, never dropped.
 */
export interface OtherLogLine {
  kind: "other";
  /** The `[LEVEL]` prefix; null for lines without one (banner, listeners, Corefile dump lines). */
  level: LogLevel | null;
  /**
   * Go's default `log` timestamp (`2026/11/21 22:34:59`) that node-cache prints before CoreDNS starts
   * and calls `log.SetFlags(0)`; null afterwards. It is the pod's local clock, with no zone.
   */
  goTime: string | null;
  /** `reload` for `plugin/reload: …` messages; null when the message has no `plugin/<name>: ` prefix. */
  plugin: string | null;
  /** The text after the timestamp and level prefix (the `plugin/x: ` prefix is kept). */
  message: string;
  /** What the line means, when it is one of the lifecycle lines we recognise. */
  event: LogEvent | null;
  raw: string;
}

/** One parsed line of node-local-dns output. */
export type CorednsLogLine = QueryLogLine | ErrorLogLine | ErrorSummaryLogLine | OtherLogLine;

/** A change in which pods' logs are followed, sent to the browser as an SSE `notice`. */
export interface LogNotice {
  node: string;
  pod: string;
  kind: "following" | "left" | "reconnecting" | "failed";
  message: string;
  time: string;
}

/**
 * Which nodes a log stream follows (lib/logs/follow-set.ts), sent to the browser as an SSE
 * `following` event when the stream opens.
 */
export interface LogFollowing {
  /** `all`: every node; `first`: the first `max` by name (a larger cluster); `chosen`: the request's nodes. */
  mode: "all" | "first" | "chosen";
  /** The nodes followed, by name; null for `all`. */
  nodes: string[] | null;
  following: number;
  /** Nodes with a node-local-dns pod in the cluster now. */
  total: number;
  /** How many nodes a stream follows when none are chosen (DASHBOARD_LOG_FOLLOW_MAX). */
  max: number;
  /** E.g. "following 50 of 5,000 nodes (the first 50 by name; …) — choose nodes to follow others". */
  message: string;
}

/** One parsed query-log line, sent to the browser as an SSE `line`. */
export interface LogLineEvent {
  node: string;
  pod: string;
  time: string | null;
  line: CorednsLogLine;
}
