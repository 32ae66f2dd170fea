/**
 * The Go library checks CoreDNS's setup leans on, with Go's verdicts: net.ParseIP, net.SplitHostPort
 * and miekg/dns IsDomainName. Pure string functions (no node:net), so they run in the browser too.
 */

/** Go's net.ParseIP: dotted IPv4 (no leading zeros, Go ≥ 1.17) or IPv6, no zone. */
export function goParseIP(s: string): boolean {
  if (isIPv4(s)) return true;
  return isIPv6(s);
}

function isIPv4(s: string): boolean {
  const parts = s.split(".");
  if (parts.length !== 4) return false;
  return parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

function isIPv6(s: string): boolean {
  if (s.length < 2 || !s.includes(":")) return false;
  let rest = s;
  let groups = 0;
  // An embedded IPv4 tail counts as two groups.
  const lastColon = rest.lastIndexOf(":");
  const tail = rest.slice(lastColon + 1);
  if (tail.includes(".")) {
    if (!isIPv4(tail)) return false;
    rest = rest.slice(0, lastColon + 1) + "0:0";
  }
  const halves = rest.split("::");
  if (halves.length > 2) return false;
  const group = /^[0-9a-fA-F]{1,4}$/;
  for (const half of halves) {
    if (half === "") continue;
    const gs = half.split(":");
    if (!gs.every((g) => group.test(g))) return false;
    groups += gs.length;
  }
  return halves.length === 2 ? groups < 8 : groups === 8;
}

/** Go's net.SplitHostPort: the host, or the error text Go returns. */
export function goSplitHostPort(addr: string): { host: string; port: string } | { error: string } {
  const missing = { error: `address ${addr}: missing port in address` };
  if (addr.startsWith("[")) {
    const close = addr.indexOf("]");
    if (close === -1) return { error: `address ${addr}: missing ']' in address` };
    const rest = addr.slice(close + 1);
    if (rest === "" || !rest.startsWith(":")) return missing;
    if (rest.slice(1).includes(":")) return { error: `address ${addr}: too many colons in address` };
    return { host: addr.slice(1, close), port: rest.slice(1) };
  }
  const colon = addr.lastIndexOf(":");
  if (colon === -1) return missing;
  const host = addr.slice(0, colon);
  if (host.includes(":")) return { error: `address ${addr}: too many colons in address` };
  return { host, port: addr.slice(colon + 1) };
}

/**
 * miekg/dns IsDomainName. `leadingDotRule`: from miekg/dns v1.1.50 (CoreDNS 1.10.0 on) a name that
 * starts with '.' and is not the root is refused (miekg/dns 7413c833); CoreDNS 1.7.0's v1.1.29 took it.
 */
export function isDomainName(name: string, leadingDotRule: boolean): boolean {
  if (name.length === 0) return false;
  const s = name.endsWith(".") ? name : `${name}.`;
  let off = 0;
  let begin = 0;
  let wasDot = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") {
      if (i + 3 < s.length && /^\d{3}$/.test(s.slice(i + 1, i + 4))) {
        i += 3;
        begin += 3;
      } else {
        i++;
        begin++;
      }
      wasDot = false;
    } else if (c === ".") {
      if (leadingDotRule && i === 0 && s.length > 1) return false;
      if (wasDot) return false;
      wasDot = true;
      const labelLen = i - begin;
      if (labelLen >= 64) return false;
      off += 1 + labelLen;
      if (off > 256) return false;
      begin = i + 1;
    } else {
      wasDot = false;
    }
  }
  return true;
}
