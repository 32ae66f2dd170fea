/**
 * CoreDNS's check of server block keys before any plugin runs (core/dnsserver/register.go
 * InspectServerBlocks → plugin/normalize.go SplitHostPort): `[SCHEME://]ZONE[:PORT]`, where a
 * non-numeric suffix after the last ':' is part of the zone, and the zone must be a domain name.
 */
import { versionAtLeast } from "./directives";
import { goAtoi } from "./go-values";
import { isDomainName } from "./go-net";

/** parse.Transport's schemes; quic:// and unix:// arrived in 1.11.0. */
function stripTransport(key: string, version: string): string {
  const schemes = [
    "tls",
    "dns",
    "grpc",
    "https",
    ...(versionAtLeast(version, "1.11.0") ? ["quic", "unix"] : []),
  ];
  for (const t of schemes) if (key.startsWith(`${t}://`)) return key.slice(t.length + 3);
  return key;
}

/** CoreDNS's error for a key, or null when it is a zone CoreDNS serves. */
export function zoneKeyError(key: string, version: string): string | null {
  const leadingDot = versionAtLeast(version, "1.10.0");
  const host = splitZone(stripTransport(key, version), leadingDot);
  if (typeof host !== "string") return host.error;
  // 1.10.0 on checks the fully qualified form too (a fuzzing find, see register.go).
  if (versionAtLeast(version, "1.10.0")) {
    const fq = splitZone(host.endsWith(".") ? host : `${host}.`, leadingDot);
    if (typeof fq !== "string") return fq.error;
  }
  return null;
}

function splitZone(s: string, leadingDot: boolean): string | { error: string } {
  let host = s;
  const colon = s.lastIndexOf(":");
  if (colon !== -1 && colon === s.length - 1)
    return { error: `expecting data after last colon: ${JSON.stringify(s)}` };
  if (colon !== -1 && goAtoi(s.slice(colon + 1)).ok) host = s.slice(0, colon);
  if (host.length > 255) return { error: `specified zone is too long: ${host.length} > 255` };
  if (!isDomainName(host, leadingDot)) return { error: `zone is not a valid domain name: ${host}` };
  return host;
}
