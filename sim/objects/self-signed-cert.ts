/**
 * A self-signed serving certificate for the simulated API server, made in-process (Node can make
 * keys but not X.509 certificates, so this encodes the DER by hand: ECDSA P-256, SHA-256, SANs).
 *
 * Why TLS at all: kubectl (client-go's clientcmd) only sends a kubeconfig user's token over https,
 * so a plain-http API server can only ever see kubectl as anonymous.
 */
import crypto from "node:crypto";
import net from "node:net";

/** The serving pair plus the CA bundle clients trust (the certificate itself). */
export interface SelfSignedCert {
  certPem: string;
  keyPem: string;
}

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);

function integer(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) === 0) b = b.subarray(1);
  return tlv(0x02, (b[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const out = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = p >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function utcTime(d: Date): Buffer {
  const iso = d.toISOString();
  const text =
    iso.slice(2, 4) +
    iso.slice(5, 7) +
    iso.slice(8, 10) +
    iso.slice(11, 13) +
    iso.slice(14, 16) +
    iso.slice(17, 19) +
    "Z";
  return tlv(0x17, Buffer.from(text, "ascii"));
}

const bitString = (b: Buffer, unused = 0) => tlv(0x03, Buffer.from([unused]), b);
const octets = (b: Buffer) => tlv(0x04, b);
const TRUE = tlv(0x01, Buffer.from([0xff]));

function name(commonName: string): Buffer {
  return seq(set(seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(commonName, "utf8")))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [TRUE] : []), octets(value));
}

function subjectAltNames(names: readonly string[]): Buffer {
  return seq(
    ...names.map((n) =>
      net.isIPv4(n) ? tlv(0x87, Buffer.from(n.split(".").map(Number))) : tlv(0x82, Buffer.from(n, "ascii")),
    ),
  );
}

function pem(label: string, der: Buffer): string {
  const b64 = der.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A certificate for `names` (IPv4 addresses or DNS names), valid from an hour ago for `days`. */
export function selfSignedCert(
  commonName: string,
  names: readonly string[],
  days = 365,
  now = new Date(),
): SelfSignedCert {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const ecdsaSha256 = seq(oid("1.2.840.10045.4.3.2"));
  const notBefore = new Date(now.getTime() - 3600_000);
  const notAfter = new Date(now.getTime() + days * 86400_000);
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(crypto.randomBytes(16)),
    ecdsaSha256,
    name(commonName),
    seq(utcTime(notBefore), utcTime(notAfter)),
    name(commonName),
    publicKey.export({ type: "spki", format: "der" }),
    tlv(
      0xa3,
      seq(
        extension("2.5.29.15", true, bitString(Buffer.from([0xa4]), 2)), // digitalSignature, keyEncipherment, keyCertSign
        extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))), // serverAuth
        extension("2.5.29.19", true, seq(TRUE)), // CA: the certificate is its own trust anchor
        extension("2.5.29.17", false, subjectAltNames(names)),
      ),
    ),
  );
  const signature = crypto.sign("sha256", tbs, privateKey);
  const cert = seq(tbs, ecdsaSha256, bitString(signature));
  return {
    certPem: pem("CERTIFICATE", cert),
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}
