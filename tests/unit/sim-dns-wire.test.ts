import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  buildQuery,
  clientBufferSize,
  decodeMessage,
  encodeMessage,
  encodeMessageWithin,
  formatIpv6,
  frameTcp,
  replyTo,
  RRType,
  TcpFrameReader,
  type DnsMessage,
  type DnsRecord,
} from "../../sim/dns/wire";

function a(name: string, address: string, ttl = 30): DnsRecord {
  return { name, type: RRType.A, class: 1, ttl, data: { kind: "A", address } };
}

describe("DNS wire format", () => {
  it("encodes a query byte-for-byte like dig does", () => {
    // dig +noedns example.com A, id 0x1234: header, then 7example3com0, type 1, class 1.
    const bytes = encodeMessage(buildQuery({ id: 0x1234, name: "example.com.", type: RRType.A }));
    expect(bytes.toString("hex")).toBe("123401000001000000000000076578616d706c6503636f6d0000010001");
    expect(bytes.length).toBe(29); // the size CoreDNS logs for "A IN example.com. udp 29"
  });

  it("an EDNS0 query with DO is 40 bytes, as in the fixture's `udp 40 true 1232`", () => {
    const q = buildQuery({ id: 1, name: "example.com.", type: RRType.A, edns: { udpSize: 1232, do: true } });
    const bytes = encodeMessage(q);
    expect(bytes.length).toBe(40);
    const back = decodeMessage(bytes);
    expect(back.edns).toMatchObject({ udpSize: 1232, do: true, version: 0 });
    expect(clientBufferSize(back, "udp")).toBe(1232);
    expect(clientBufferSize(back, "tcp")).toBe(65535);
    expect(clientBufferSize({ ...back, edns: null }, "udp")).toBe(512);
  });

  it("round-trips every supported record type, with compression on encode and decode", () => {
    const q = buildQuery({ id: 7, name: "svc.ns.svc.cluster.local.", type: RRType.A });
    const m: DnsMessage = {
      ...replyTo(q),
      aa: true,
      ra: true,
      answers: [
        a("svc.ns.svc.cluster.local.", "10.96.3.4"),
        {
          name: "svc.ns.svc.cluster.local.",
          type: RRType.AAAA,
          class: 1,
          ttl: 5,
          data: { kind: "AAAA", address: "fd00::1:2" },
        },
        {
          name: "www.example.com.",
          type: RRType.CNAME,
          class: 1,
          ttl: 300,
          data: { kind: "CNAME", target: "example.com." },
        },
        {
          name: "4.3.96.10.in-addr.arpa.",
          type: RRType.PTR,
          class: 1,
          ttl: 5,
          data: { kind: "PTR", target: "svc.ns.svc.cluster.local." },
        },
        {
          name: "_dns._udp.kube-dns.kube-system.svc.cluster.local.",
          type: RRType.SRV,
          class: 1,
          ttl: 5,
          data: {
            kind: "SRV",
            priority: 0,
            weight: 100,
            port: 53,
            target: "kube-dns.kube-system.svc.cluster.local.",
          },
        },
        {
          name: "example.com.",
          type: RRType.MX,
          class: 1,
          ttl: 60,
          data: { kind: "MX", preference: 10, exchange: "mail.example.com." },
        },
        {
          name: "example.org.",
          type: RRType.TXT,
          class: 1,
          ttl: 60,
          data: { kind: "TXT", texts: ["v=spf1 -all", ""] },
        },
        {
          name: "example.org.",
          type: RRType.NS,
          class: 1,
          ttl: 60,
          data: { kind: "NS", target: "a.iana-servers.net." },
        },
        {
          name: "x.",
          type: RRType.HINFO,
          class: 1,
          ttl: 0,
          data: { kind: "HINFO", cpu: "amd64", os: "linux" },
        },
        { name: "x.", type: 99, class: 1, ttl: 0, data: { kind: "raw", bytes: Uint8Array.from([1, 2, 3]) } },
      ],
      authorities: [
        {
          name: "cluster.local.",
          type: RRType.SOA,
          class: 1,
          ttl: 5,
          data: {
            kind: "SOA",
            mname: "ns.dns.cluster.local.",
            rname: "hostmaster.cluster.local.",
            serial: 1700000000,
            refresh: 7200,
            retry: 1800,
            expire: 86400,
            minimum: 5,
          },
        },
      ],
      edns: {
        udpSize: 1232,
        do: false,
        extendedRcode: 0,
        version: 0,
        options: [{ code: 10, data: Uint8Array.from([9, 9, 9, 9, 9, 9, 9, 9]) }],
      },
    };
    const bytes = encodeMessage(m);
    const back = decodeMessage(bytes);
    expect(back).toEqual(m);
    // Compression: "cluster" appears once for every name, plus once in the SRV target, which RFC 2782
    // forbids compressing.
    const plain = bytes.toString("latin1");
    expect(plain.split("cluster").length - 1).toBe(2);
  });

  it("follows compression pointers written by other implementations and rejects pointer loops", () => {
    // Answer name is a pointer to offset 12 (the question name).
    const hex = "abcd8180000100010000000003666f6f00000100010c0000010001000000050004c0000201".replace(
      "0c0000010001",
      "c00c00010001",
    );
    const m = decodeMessage(Buffer.from(hex, "hex"));
    expect(m.answers[0]).toMatchObject({ name: "foo.", ttl: 5, data: { kind: "A", address: "192.0.2.1" } });
    const loop = Buffer.from("abcd81800001000000000000c00c00010001", "hex");
    expect(() => decodeMessage(loop)).toThrow(/loop/);
    expect(() => decodeMessage(Buffer.from("abcd", "hex"))).toThrow(/shorter than the 12-byte header/);
  });

  it("truncates a UDP reply that does not fit the client's buffer and sets TC", () => {
    const q = buildQuery({ id: 9, name: "big.example.com.", type: RRType.A });
    const answers = Array.from({ length: 60 }, (_, i) => a("big.example.com.", `192.0.2.${i}`));
    const reply: DnsMessage = { ...replyTo(q), answers };
    expect(encodeMessage(reply).length).toBeGreaterThan(512);
    const { bytes, truncated } = encodeMessageWithin(reply, clientBufferSize(q, "udp"));
    expect(truncated).toBe(true);
    expect(bytes.length).toBeLessThanOrEqual(512);
    const back = decodeMessage(bytes);
    expect(back.tc).toBe(true);
    expect(back.answers.length).toBeLessThan(60);
    const fits = encodeMessageWithin({ ...reply, answers: answers.slice(0, 2) }, 512);
    expect(fits.truncated).toBe(false);
    expect(decodeMessage(fits.bytes).tc).toBe(false);
  });

  it("formats IPv6 addresses the RFC 5952 way", () => {
    const b = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));
    expect(formatIpv6(b("20010db8000000000000000000000001"))).toBe("2001:db8::1");
    expect(formatIpv6(b("00000000000000000000000000000000"))).toBe("::");
    expect(formatIpv6(b("20010db8000100000001000000000001"))).toBe("2001:db8:1:0:1::1");
  });

  it("reassembles TCP frames split and merged arbitrarily", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 7 }),
        (ids, chunk) => {
          const msgs = ids.map((id) =>
            encodeMessage(buildQuery({ id, name: `n${id}.example.`, type: RRType.A })),
          );
          const stream = Buffer.concat(msgs.map(frameTcp));
          const reader = new TcpFrameReader();
          const got: Buffer[] = [];
          for (let i = 0; i < stream.length; i += chunk)
            got.push(...reader.push(stream.subarray(i, i + chunk)));
          expect(got.map((g) => decodeMessage(g).id)).toEqual(ids);
          expect(reader.buffered).toBe(0);
        },
      ),
    );
  });

  it("decodes whatever it encodes for random names and addresses", () => {
    const label = fc.stringMatching(/^[a-z0-9-]{1,20}$/);
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 0xffff }),
        (labels, ip, id) => {
          const name = `${labels.join(".")}.`;
          const m: DnsMessage = {
            ...replyTo(buildQuery({ id, name, type: RRType.A })),
            answers: [a(name, ip.join("."))],
          };
          expect(decodeMessage(encodeMessage(m))).toEqual(m);
        },
      ),
    );
  });
});
