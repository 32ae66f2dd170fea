/**
 * Recognises the lifecycle lines an operator acts on (reload outcome, config hash, version, loop,
 * shutdown) among the "other" lines. The strings are CoreDNS's and node-cache's own format strings
 * (coredns-facts.md §1.6, §3.4); every test here is anchored and linear.
 */
import type { LogEvent, LogLevel } from "./types";

const RELOAD_FAILED = "plugin/reload: Corefile changed but reload failed: ";
const PARSE_FAILED = "plugin/reload: Corefile parse failed: ";
const RESTART_FAILED = "Restart failed: ";
const NODE_CACHE_STARTING = "Starting node-cache image: ";

const CONFIG_HASH = /^plugin\/reload: Running configuration (MD5|SHA512) = ([0-9a-f]+)$/;
const BANNER = /^CoreDNS-(\S+)$/;
/** `<zone>:<port>` optionally followed by ` on <bind-ip>` (core/dnsserver/onstartup.go). */
const LISTENER = /^(\S+):(\d+)(?: on (\S+))?$/;
const LOOP = /^plugin\/loop: Loop \(.*\) detected for zone "([^"]*)"/;

/** The event `message` stands for, given its `[LEVEL]` (null when unprefixed); null for ordinary lines. */
export function classifyEvent(level: LogLevel | null, message: string): LogEvent | null {
  if (level === null) return classifyUnprefixed(message);
  if (message === "Reloading") return { type: "reloading" };
  if (message === "Reloading complete") return { type: "reloadComplete" };
  if (message === "Using config file:") return { type: "usingConfigFile" };
  if (message.startsWith(RESTART_FAILED))
    return { type: "restartFailed", error: message.slice(RESTART_FAILED.length) };
  if (message.startsWith(RELOAD_FAILED))
    return { type: "reloadFailed", error: message.slice(RELOAD_FAILED.length) };
  if (message.startsWith(PARSE_FAILED))
    return { type: "corefileParseFailed", error: message.slice(PARSE_FAILED.length) };
  if (message.startsWith(NODE_CACHE_STARTING)) {
    return { type: "nodeCacheStarting", version: message.slice(NODE_CACHE_STARTING.length) };
  }
  if (
    message === "SIGTERM: Shutting down servers then terminating" ||
    message === "Untrapped signal, tearing down"
  ) {
    return { type: "shutdown" };
  }
  if (message.startsWith("plugin/reload: Running configuration ")) {
    const hash = CONFIG_HASH.exec(message);
    if (hash?.[1] && hash[2])
      return { type: "configHash", algorithm: hash[1] as "MD5" | "SHA512", hash: hash[2] };
  }
  if (message.startsWith("plugin/loop: Loop (")) {
    const loop = LOOP.exec(message);
    if (loop?.[1] !== undefined) return { type: "loopDetected", zone: loop[1] };
  }
  return null;
}

/**
 * Unprefixed lines are the banner, the listener lines before it, the platform line, and the Corefile
 * dump after `Using config file:`. A Corefile line never matches LISTENER: a server-block key is
 * followed by ` {`, and a directive has a space before any `:port`.
 */
function classifyUnprefixed(message: string): LogEvent | null {
  if (message.startsWith("CoreDNS-")) {
    const banner = BANNER.exec(message);
    if (banner?.[1]) return { type: "version", coredns: banner[1] };
    return null;
  }
  const listener = LISTENER.exec(message);
  if (listener?.[1] && listener[2]) {
    return { type: "listener", zone: listener[1], port: Number(listener[2]), address: listener[3] ?? null };
  }
  return null;
}
