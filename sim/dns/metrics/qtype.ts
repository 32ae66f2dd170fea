/**
 * The `type` label of coredns_dns_requests_total (and of 1.7.0's request duration): CoreDNS keeps a
 * fixed list of query types (plugin/metrics/vars/monitor.go) and folds every other one into "other",
 * so the label's cardinality stays bounded. The loop plugin's HINFO probe therefore counts as "other".
 */
const MONITORED_1_7 = new Set([
  "A",
  "AAAA",
  "CNAME",
  "DNSKEY",
  "DS",
  "MX",
  "NSEC3",
  "NSEC",
  "NS",
  "PTR",
  "RRSIG",
  "SOA",
  "SRV",
  "TXT",
  "IXFR",
  "AXFR",
  "ANY",
]);
const MONITORED_LATER = new Set([...MONITORED_1_7, "HTTPS"]);

/** The label value CoreDNS reports for a query type name such as "A", "HINFO" or "TYPE65". */
export function qtypeLabel(qtype: string, withHttps: boolean): string {
  const upper = qtype.toUpperCase();
  return (withHttps ? MONITORED_LATER : MONITORED_1_7).has(upper) ? upper : "other";
}
