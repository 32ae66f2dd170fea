/**
 * The `forward` plugin's setup (plugin/forward/setup.go parseForward → parseStanza → parseBlock and
 * plugin/pkg/parse HostPortOrFile), with the properties each CoreDNS version knows.
 */
import { fail, isPillarPlaceholder, newerThan, withNote, type SetupNote } from "./check-common";
import { versionAtLeast } from "./directives";
import type { Dispenser } from "./dispenser";
import { goParseIP, goSplitHostPort } from "./go-net";
import { goAtoi, goParseDuration } from "./go-values";

/** forward's upstream limit (`max` in setup.go). */
const MAX_TOS = 15;

/** No once-per-block rule: several forward stanzas chain (each FROM its own). */
export function checkForward(d: Dispenser, version: string, notes: SetupNote[]): void {
  while (d.next()) {
    if (!d.nextArg()) throw d.argErr(); // FROM
    const to = d.remainingArgs();
    if (to.length === 0) throw d.argErr();
    const hosts = hostPortOrFile(to, version, d.line(), notes);
    for (const h of hosts) {
      const { trans } = transportOf(h, version);
      if (trans !== "dns" && trans !== "tls") {
        fail(`'${trans}' is not supported as a destination protocol in forward: ${h}`);
      }
    }
    while (d.nextBlock()) forwardProperty(d, version);
    if (hosts.length > MAX_TOS) fail(`more than ${MAX_TOS} TOs configured: ${hosts.length}`);
  }
}

/** A TO as parse.Transport splits it (quic:// and unix:// arrived in 1.11.0). */
function transportOf(s: string, version: string): { trans: string; host: string } {
  const v111 = versionAtLeast(version, "1.11.0");
  const schemes = ["tls", "dns", ...(v111 ? ["quic"] : []), "grpc", "https", ...(v111 ? ["unix"] : [])];
  for (const t of schemes) if (s.startsWith(`${t}://`)) return { trans: t, host: s.slice(t.length + 3) };
  return { trans: "dns", host: s };
}

/** What node-cache substitutes for __PILLAR__UPSTREAM__SERVERS__ without kube-dns upstreams; always there. */
const RESOLV_CONF = "/etc/resolv.conf";

/**
 * HostPortOrFile: each TO is an IP, IP:port, or a resolv.conf-like file. A path other than
 * /etc/resolv.conf is on the node, out of our sight: a note. A word without '/' is tried as a file in
 * CoreDNS's working directory (/), where node-cache keeps none: refused, as the real binary does.
 */
function hostPortOrFile(to: string[], version: string, line: number, notes: SetupNote[]): string[] {
  const servers: string[] = [];
  for (const h of to) {
    const { trans, host } = transportOf(h, version);
    if (versionAtLeast(version, "1.11.0")) {
      if (host.length === 0) fail(`invalid address: ${JSON.stringify(h)}`);
      if (trans === "unix") {
        servers.push(h);
        continue;
      }
    }
    if (isPillarPlaceholder(host)) {
      servers.push(h);
      continue;
    }
    const split = goSplitHostPort(host);
    const addr = "error" in split ? host : split.host;
    if (goParseIP(stripZone(addr))) {
      // A bare IP gets its transport's default port (net.JoinHostPort), which later messages show.
      servers.push("error" in split ? withDefaultPort(trans, host) : h);
      continue;
    }
    if (host.includes("/")) {
      if (host !== RESOLV_CONF) {
        notes.push({
          line,
          message:
            `forward ${host}: a file on the node (read as resolv.conf); the dashboard cannot read it, so a ` +
            `node without it would refuse this Corefile with plugin/forward: not an IP address or file: "${host}"`,
        });
      }
      servers.push(h);
      continue;
    }
    fail(`not an IP address or file: ${JSON.stringify(host)}`);
  }
  return servers;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  dns: "53",
  tls: "853",
  quic: "853",
  grpc: "443",
  https: "443",
};

function withDefaultPort(trans: string, host: string): string {
  const joined = `${host.includes(":") ? `[${host}]` : host}:${DEFAULT_PORTS[trans] ?? "53"}`;
  return trans === "dns" ? joined : `${trans}://${joined}`;
}

function stripZone(host: string): string {
  const i = host.lastIndexOf("%");
  return i === -1 ? host : host.slice(0, i);
}

/** forward properties newer than 1.7.0, with the first tag whose parseBlock has them. */
const FORWARD_ADDED_IN: Readonly<Record<string, string>> = {
  next: "1.11.4",
  failfast_all_unhealthy_upstreams: "1.12.1",
  failover: "1.13.0",
};

/** miekg/dns StringToRcode keys (the rcodes `next` and `failover` accept, upper-cased). */
const RCODES = new Set([
  "NOERROR",
  "FORMERR",
  "SERVFAIL",
  "NXDOMAIN",
  "NOTIMP",
  "REFUSED",
  "YXDOMAIN",
  "YXRRSET",
  "NXRRSET",
  "NOTAUTH",
  "NOTZONE",
  "BADSIG",
  "BADVERS",
  "BADKEY",
  "BADTIME",
  "BADMODE",
  "BADNAME",
  "BADALG",
  "BADTRUNC",
  "BADCOOKIE",
]);

/** One line of forward's `{ }` block (parseBlock). */
function forwardProperty(d: Dispenser, version: string): void {
  const prop = d.val();
  const one = (): string => {
    if (!d.nextArg()) throw d.argErr();
    return d.val();
  };
  const added = FORWARD_ADDED_IN[prop];
  if (added && !versionAtLeast(version, added)) {
    throw withNote(d.err(`unknown property '${prop}'`), newerThan(`forward's ${prop}`, added));
  }
  switch (prop) {
    case "except":
      if (d.remainingArgs().length === 0) throw d.argErr();
      return;
    case "max_fails":
      return maxFails(one(), version);
    case "health_check": {
      const r = goParseDuration(one());
      if (!r.ok) fail(r.error);
      // Go prints the time.Duration with %d: nanoseconds.
      if (r.value < 0) fail(`health_check can't be negative: ${Math.round(r.value * 1e9)}`);
      while (d.nextArg()) {
        const opt = d.val();
        if (opt === "no_rec") continue;
        if (opt === "domain" && versionAtLeast(version, "1.9.2")) {
          const name = one();
          if (name === "" || name.includes("..")) fail(`health_check: invalid domain name ${name}`);
          continue;
        }
        const note = opt === "domain" ? newerThan("health_check's domain", "1.9.2") : undefined;
        fail(`health_check: unknown option ${opt}`, note);
      }
      return;
    }
    case "force_tcp":
    case "prefer_udp":
      if (d.nextArg()) throw d.argErr();
      return;
    case "failfast_all_unhealthy_upstreams":
      if (d.remainingArgs().length !== 0) throw d.argErr();
      return;
    case "tls":
      if (d.remainingArgs().length > 3) throw d.argErr();
      return;
    case "tls_servername":
      one();
      return;
    case "expire": {
      const r = goParseDuration(one());
      if (!r.ok) fail(r.error);
      if (r.value < 0) fail(`expire can't be negative: ${r.value}s`);
      return;
    }
    case "policy": {
      const p = one();
      if (p !== "random" && p !== "round_robin" && p !== "sequential") throw d.err(`unknown policy '${p}'`);
      return;
    }
    case "max_concurrent": {
      const n = goAtoi(one());
      if (!n.ok) fail(n.error);
      if (n.value < 0) fail(`max_concurrent can't be negative: ${n.value}`);
      return;
    }
    case "next":
    case "failover": {
      const codes = d.remainingArgs();
      if (codes.length === 0) throw d.argErr();
      for (const c of codes) {
        if (RCODES.has(c.toUpperCase())) continue;
        // failover's lookup leaves rc at 0 (NOERROR) when the name is unknown, so 1.13.1 says this for
        // every bad name and accepts NOERROR itself.
        fail(prop === "failover" ? "NoError cannot be used in failover" : `${c} is not a valid rcode`);
      }
      return;
    }
    default:
      throw d.err(`unknown property '${prop}'`);
  }
}

/** Before 1.9.0 max_fails is read with Atoi and negatives refused; from 1.9.0 with ParseUint(s, 10, 32). */
function maxFails(v: string, version: string): void {
  if (!versionAtLeast(version, "1.9.0")) {
    const n = goAtoi(v);
    if (!n.ok) fail(n.error);
    else if (n.value < 0) fail(`max_fails can't be negative: ${n.value}`);
    return;
  }
  if (!/^\d+$/.test(v)) fail(`strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`);
  if (Number(v) > 4294967295) fail(`strconv.ParseUint: parsing ${JSON.stringify(v)}: value out of range`);
}
