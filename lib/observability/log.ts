/**
 * Structured logs: one JSON object per line on stdout, `{"time","level","msg",...fields}`, so a log
 * collector (or `kubectl logs | jq`) can filter on fields. Never pass a credential as a field.
 */

/** How serious a log line is. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Extra key/values on a line; `time`, `level` and `msg` are reserved and win over fields. */
export type LogFields = Record<string, unknown>;

/** A logger writing lines through `write`. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** One log line (without the newline); Errors become their message so lines stay one-line JSON. */
export function formatLogLine(
  level: LogLevel,
  msg: string,
  fields: LogFields = {},
  now = new Date(),
): string {
  const out: LogFields = { time: now.toISOString(), level, msg };
  for (const [k, v] of Object.entries(fields)) {
    if (k === "time" || k === "level" || k === "msg" || v === undefined) continue;
    out[k] = v instanceof Error ? v.message : v;
  }
  return JSON.stringify(out);
}

/** A logger over any line sink (tests pass an array's push). */
export function createLogger(write: (line: string) => void, now: () => Date = () => new Date()): Logger {
  const at = (level: LogLevel) => (msg: string, fields?: LogFields) =>
    write(formatLogLine(level, msg, fields, now()));
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** The server's logger: stdout, one line per call. */
export const log: Logger = createLogger((line) => {
  process.stdout.write(line + "\n");
});
