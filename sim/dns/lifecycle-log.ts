/**
 * node-cache's and CoreDNS's lifecycle lines, copied from the fixtures (logs-nodecache-*.txt,
 * coredns-facts.md §1.6): startup, listeners and banner, reload, shutdown, and the fatal start error.
 */
import { COREDNS_VERSIONS, type CorednsVersion } from "../runtime";
import type { PodConfig } from "./config";
import { COREFILE_PATH } from "./config";
import { renderedLogLine } from "./corefile-render";
import { corefileHash, GOMAXPROCS, reloadHashKind, versionTraits } from "./metrics";

export const PIDFILE = "/tmp/node-cache.pid";

/** node-cache's own lines before CoreDNS starts (these carry Go's timestamp prefix). */
export function nodeCacheStartupLines(version: CorednsVersion, renderedCorefile: string): string[] {
  return [
    `[INFO] Starting node-cache image: ${COREDNS_VERSIONS[version].nodeCache}`,
    `[INFO] Using Corefile ${COREFILE_PATH}`,
    `[INFO] Using Pidfile ${PIDFILE}`,
    `[INFO] ${renderedLogLine()}`,
    `[INFO] Using config file:\n${renderedCorefile.replace(/\n$/, "")}`,
    "[INFO] Skipping kube-dns configmap sync as no directory was specified",
  ];
}

/**
 * coremain.Run's first line from CoreDNS 1.12.0 on: automaxprocs (go.uber.org/automaxprocs) reports
 * GOMAXPROCS; node-local-dns sets no CPU limit, so there is no quota. Go's log with flags 0: no timestamp.
 */
export function coremainStartLines(version: CorednsVersion): string[] {
  return versionTraits(version).maxprocsLogLine
    ? [`maxprocs: Leaving GOMAXPROCS=${GOMAXPROCS}: CPU quota undefined`]
    : [];
}

/** node-cache re-rendered a changed Corefile.base (CoreDNS has switched timestamps off by then). */
export function reRenderedLines(renderedCorefile: string): string[] {
  return [`[INFO] ${renderedLogLine()}`, `[INFO] Using config file:\n${renderedCorefile.replace(/\n$/, "")}`];
}

/** core/dnsserver onstartup: `<zone>:<port> on <bind-ip>` per listener and zone, then the banner. */
export function coreDnsStartedLines(version: CorednsVersion, config: PodConfig): string[] {
  const lines: string[] = [];
  for (const l of config.listeners) {
    for (const b of l.blocks)
      for (const z of b.zones)
        lines.push(l.virtualIP ? `${z}:${b.port} on ${l.virtualIP}` : `${z}:${b.port}`);
  }
  if (config.reload) lines.push(runningConfigurationLine(version, config.text));
  lines.push(`CoreDNS-${version}`, `linux/amd64, ${COREDNS_VERSIONS[version].goVersion}, `);
  return lines;
}

/** The reload plugin's hash line: MD5 before CoreDNS 1.10.0, SHA512 since. */
export function runningConfigurationLine(version: CorednsVersion, text: string): string {
  return `[INFO] plugin/reload: Running configuration ${reloadHashKind(version).toUpperCase()} = ${corefileHash(version, text)}`;
}

export function reloadFailedLines(message: string): string[] {
  return [
    `[ERROR] Restart failed: ${message}`,
    `[ERROR] plugin/reload: Corefile changed but reload failed: starting with listener file descriptors: ${message}`,
  ];
}

export const SHUTDOWN_LINES = [
  "[INFO] SIGTERM: Shutting down servers then terminating",
  "[INFO] Tearing down",
  "[WARNING] Exiting iptables/interface check goroutine",
];

/** Go's net error for a failed listen, e.g. "listen tcp 169.254.20.10:53: bind: address already in use". */
export function listenErrorText(err: unknown, address: string, port: number): string {
  const e = err as NodeJS.ErrnoException;
  const what =
    e?.code === "EADDRINUSE"
      ? "bind: address already in use"
      : e?.code === "EADDRNOTAVAIL"
        ? "bind: cannot assign requested address"
        : String(e?.message ?? err);
  return `listen tcp ${address}:${port}: ${what}`;
}
