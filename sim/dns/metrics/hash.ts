/**
 * The digest `coredns_reload_version_info{value}` and the reload plugin's "Running configuration"
 * log line carry: MD5 up to CoreDNS 1.9.x, SHA512 from 1.10.0 (coredns-facts.md §1.6).
 *
 * Real CoreDNS ≥1.10.0 hashes its JSON rendering of the parsed server blocks, not the raw bytes, so the
 * hex here will not equal a real node's for the same file; it is stable per text, which is what the
 * dashboard relies on (did the hash change, is it the same on every node).
 */
import { createHash } from "node:crypto";
import type { CorednsVersion } from "../../runtime";

/** Hash kind a version reports, as printed in the `hash` label. */
export function reloadHashKind(version: CorednsVersion): "md5" | "sha512" {
  return version === "1.7.0" ? "md5" : "sha512";
}

/** Lower-case hex digest of a Corefile as the version's reload plugin would report it. */
export function corefileHash(version: CorednsVersion, corefileText: string): string {
  return createHash(reloadHashKind(version)).update(corefileText, "utf8").digest("hex");
}
