/**
 * What the simulated upstreams know: the cluster's Services (answered like CoreDNS's `kubernetes`
 * plugin: authoritative, TTL 5, SOA for denials) and a fixed table of internet names (answered like a
 * cloud VPC resolver: recursive, TTLs of a few minutes). Pure functions from query to reply.
 */
import { canonicalName, Rcode, replyTo, RRType, type DnsMessage, type DnsRecord } from "./wire";

/** A Service the cluster DNS knows. */
export interface ClusterService {
  name: string;
  namespace: string;
  clusterIP: string;
}

/** The kubernetes plugin's default TTL, also used for its SOA. */
const CLUSTER_TTL = 5;

function soaFor(zone: string, ttl: number, minimum: number, mname: string, rname: string): DnsRecord {
  return {
    name: zone,
    type: RRType.SOA,
    class: 1,
    ttl,
    data: {
      kind: "SOA",
      mname,
      rname,
      serial: 1763767200,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum,
    },
  };
}

function reverseName(ip: string): string {
  return `${ip.split(".").reverse().join(".")}.in-addr.arpa.`;
}

/** Answers a query the way kube-dns (CoreDNS with `kubernetes cluster.local in-addr.arpa ip6.arpa`) would. */
export function answerClusterQuery(
  req: DnsMessage,
  domain: string,
  services: readonly ClusterService[],
): DnsMessage {
  const zone = canonicalName(domain);
  const q = req.questions[0]!;
  const name = canonicalName(q.name);
  const reply: DnsMessage = { ...replyTo(req), aa: true };
  const soaZone =
    name.endsWith(".in-addr.arpa.") || name === "in-addr.arpa."
      ? "in-addr.arpa."
      : name.endsWith("ip6.arpa.")
        ? "ip6.arpa."
        : zone;
  const soa = soaFor(soaZone, CLUSTER_TTL, CLUSTER_TTL, `ns.dns.${zone}`, `hostmaster.${zone}`);
  const nx = (): DnsMessage => ({ ...reply, rcode: Rcode.NXDOMAIN, authorities: [soa] });
  const nodata = (): DnsMessage => ({ ...reply, authorities: [soa] });

  if (name === zone || name === soaZone) {
    if (q.type === RRType.SOA) return { ...reply, answers: [soa] };
    if (q.type === RRType.NS)
      return {
        ...reply,
        answers: [
          {
            name,
            type: RRType.NS,
            class: 1,
            ttl: CLUSTER_TTL,
            data: { kind: "NS", target: `ns.dns.${zone}` },
          },
        ],
      };
    return nodata();
  }
  if (soaZone === "in-addr.arpa.") {
    const svc = services.find((s) => reverseName(s.clusterIP) === name);
    if (!svc) return nx();
    if (q.type !== RRType.PTR) return nodata();
    return {
      ...reply,
      answers: [
        {
          name: q.name,
          type: RRType.PTR,
          class: 1,
          ttl: CLUSTER_TTL,
          data: { kind: "PTR", target: `${svc.name}.${svc.namespace}.svc.${zone}` },
        },
      ],
    };
  }
  if (soaZone === "ip6.arpa.") return nx();
  const svc = services.find((s) => `${s.name}.${s.namespace}.svc.${zone}` === name);
  if (svc) {
    if (q.type === RRType.A)
      return {
        ...reply,
        answers: [
          {
            name: q.name,
            type: RRType.A,
            class: 1,
            ttl: CLUSTER_TTL,
            data: { kind: "A", address: svc.clusterIP },
          },
        ],
      };
    return nodata(); // AAAA and other types of an IPv4 Service: NODATA
  }
  // Empty non-terminals (namespaces that hold Services, svc.<zone>) exist but have no records.
  if (name === `svc.${zone}` || services.some((s) => `${s.namespace}.svc.${zone}` === name)) return nodata();
  return nx();
}

/** One internet name the external resolver knows. */
interface ExternalName {
  a?: string[];
  aaaa?: string[];
  cname?: string;
  mx?: { preference: number; exchange: string }[];
  txt?: string[];
  ttl: number;
}

/** The internet as the simulated nodes see it. */
export const EXTERNAL_NAMES: Readonly<Record<string, ExternalName>> = {
  "example.com.": {
    a: ["93.184.215.14"],
    aaaa: ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    mx: [{ preference: 0, exchange: "." }],
    txt: ["v=spf1 -all"],
    ttl: 300,
  },
  "www.example.com.": { cname: "example.com.", ttl: 300 },
  "example.org.": {
    a: ["93.184.215.15"],
    aaaa: ["2606:2800:21f:cb07:6820:80da:af6b:8b2d"],
    txt: ["v=spf1 -all"],
    ttl: 300,
  },
  "registry.k8s.io.": { a: ["34.96.108.209"], aaaa: ["2600:1901:0:bbc4::"], ttl: 300 },
  "us-west1-docker.pkg.dev.": { a: ["142.250.191.46"], ttl: 300 },
  "github.com.": { a: ["140.82.112.3"], ttl: 60 },
  "www.github.com.": { cname: "github.com.", ttl: 3600 },
  "api.github.com.": { a: ["140.82.112.6"], ttl: 60 },
  "objects.githubusercontent.com.": {
    a: ["185.199.108.133", "185.199.109.133", "185.199.110.133", "185.199.111.133"],
    aaaa: ["2606:50c0:8000::154", "2606:50c0:8001::154"],
    ttl: 300,
  },
  "www.google.com.": { a: ["142.250.72.100"], aaaa: ["2607:f8b0:4005:80c::2004"], ttl: 300 },
  "s3.amazonaws.com.": { a: ["52.216.8.59", "52.217.97.54", "16.182.37.72"], ttl: 5 },
  "sts.amazonaws.com.": { a: ["209.54.177.164"], ttl: 60 },
  "ec2.us-east-1.amazonaws.com.": { a: ["209.54.180.124"], ttl: 60 },
  "api.stripe.com.": { a: ["54.187.174.169", "54.187.205.235"], ttl: 300 },
  "hooks.slack.com.": { a: ["34.227.64.200"], ttl: 60 },
  "pypi.org.": { a: ["151.101.0.223", "151.101.64.223"], aaaa: ["2a04:4e42::223"], ttl: 300 },
  "registry.npmjs.org.": { a: ["104.16.2.35", "104.16.3.35"], ttl: 300 },
};

/** The root SOA a recursive resolver returns with NXDOMAIN (TTL = the SOA minimum, counting down). */
const ROOT_SOA = soaFor(".", 900, 86400, "a.root-servers.net.", "nstld.verisign-grs.com.");

/** Answers a query the way a VPC resolver (recursive, `ra`, not authoritative) would from the fixed table. */
export function answerExternalQuery(req: DnsMessage): DnsMessage {
  const q = req.questions[0]!;
  const reply: DnsMessage = { ...replyTo(req), ra: true };
  const answers: DnsRecord[] = [];
  let name = canonicalName(q.name);
  let entry = EXTERNAL_NAMES[name];
  if (!entry) return { ...reply, rcode: Rcode.NXDOMAIN, authorities: [ROOT_SOA] };
  // Follow CNAMEs as a recursive resolver does, answering with the chain.
  for (let hops = 0; entry?.cname && q.type !== RRType.CNAME && hops < 8; hops++) {
    answers.push({
      name,
      type: RRType.CNAME,
      class: 1,
      ttl: entry.ttl,
      data: { kind: "CNAME", target: entry.cname },
    });
    name = entry.cname;
    entry = EXTERNAL_NAMES[name];
  }
  if (entry) {
    const add = (type: number, data: DnsRecord["data"]) =>
      answers.push({ name, type, class: 1, ttl: entry!.ttl, data });
    if (q.type === RRType.A) for (const a of entry.a ?? []) add(RRType.A, { kind: "A", address: a });
    if (q.type === RRType.AAAA)
      for (const a of entry.aaaa ?? []) add(RRType.AAAA, { kind: "AAAA", address: a });
    if (q.type === RRType.MX) for (const mx of entry.mx ?? []) add(RRType.MX, { kind: "MX", ...mx });
    if (q.type === RRType.TXT && entry.txt) add(RRType.TXT, { kind: "TXT", texts: entry.txt });
    if (q.type === RRType.CNAME && entry.cname) add(RRType.CNAME, { kind: "CNAME", target: entry.cname });
  }
  if (answers.length === 0) {
    const zone = name.split(".").slice(-3).join(".") || ".";
    return { ...reply, authorities: [soaFor(zone, 300, 300, `ns1.${zone}`, `hostmaster.${zone}`)] };
  }
  return { ...reply, answers };
}
