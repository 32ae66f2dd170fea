/** What the plugin checks share: how they fail, and what they tell the operator besides CoreDNS's text. */
import { UNKNOWN_ENV_VALUE } from "./env";
import { CorefileError } from "./errors";

/** A plugin's own error (CoreDNS prints it after `plugin/<name>: `), with an optional note of ours. */
export class SetupFail extends Error {
  constructor(
    message: string,
    /** Why, when CoreDNS's text alone would puzzle: e.g. the option exists in a newer CoreDNS. */
    readonly note?: string,
  ) {
    super(message);
    this.name = "SetupFail";
  }
}

export function fail(message: string, note?: string): never {
  throw new SetupFail(message, note);
}

/** Attaches our note to a caddy-style error without changing CoreDNS's text. */
export function withNote(e: CorefileError, note: string | undefined): CorefileError {
  if (note) (e as CorefileError & { note?: string }).note = note;
  return e;
}

/** The note on an error thrown by a check, if any. */
export function noteOf(e: unknown): string | undefined {
  const note = (e as { note?: unknown }).note;
  return typeof note === "string" ? note : undefined;
}

/**
 * "cache's serve_stale_policy arrived in CoreDNS 1.14.7: older versions refuse it". Only called when
 * the node's CoreDNS is older; the text leaves its version out so a mid-upgrade cluster's problems merge
 * (proposeForCluster names the versions a problem concerns when it is not all of them).
 */
export function newerThan(what: string, addedIn: string): string {
  return `${what} arrived in CoreDNS ${addedIn}: older versions refuse it`;
}

/** Something a check could not verify from the dashboard (a file or interface on the node): advice. */
export interface SetupNote {
  line: number;
  message: string;
}

/**
 * node-cache's own placeholders (`__PILLAR__LOCAL__DNS__`, ..., and node-local-dns's newer
 * `__PROMETHEUS__ENDPOINT__`, its -prometheus-listen-address): it substitutes them before CoreDNS
 * reads the file, so in the ConfigMap they stand for values we cannot check and must not refuse. The
 * same goes for a `{$VAR}` the pod spec sets with valueFrom (UNKNOWN_ENV_VALUE).
 */
export function isPillarPlaceholder(s: string): boolean {
  return /__PILLAR__[A-Z_]+__|__PROMETHEUS__ENDPOINT__/.test(s) || s.includes(UNKNOWN_ENV_VALUE);
}
