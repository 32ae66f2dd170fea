/**
 * Just enough of the Kubernetes protobuf encoding to read the request bodies kubectl's typed clients
 * send in protobuf (`kubectl auth can-i` posts a SelfSubjectAccessReview that way). Bodies are the
 * `k8s\0` magic, then a runtime.Unknown envelope whose `raw` field holds the object's message.
 */
import { badRequest } from "./errors";

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Fields = Map<number, Buffer[]>;

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw badRequest("unable to decode protobuf: truncated varint");
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

/** Length-delimited fields by number (varint/fixed fields are skipped: none are needed here). */
function readFields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    pos = p1;
    if (wire === 0) [, pos] = readVarint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      const value = buf.subarray(p2, p2 + len);
      pos = p2 + len;
      const list = out.get(field) ?? [];
      list.push(value);
      out.set(field, list);
    } else throw badRequest(`unable to decode protobuf: unsupported wire type ${wire}`);
  }
  return out;
}

function str(f: Fields, n: number): string | undefined {
  const v = f.get(n)?.[0];
  return v === undefined ? undefined : v.toString("utf8");
}

function sub(f: Fields, n: number): Fields | undefined {
  const v = f.get(n)?.[0];
  return v === undefined ? undefined : readFields(v);
}

export function isProtobuf(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() === "application/vnd.kubernetes.protobuf";
}

/** Decodes a protobuf SelfSubjectAccessReview body into its JSON shape. */
export function decodeSelfSubjectAccessReview(body: Buffer): unknown {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC))
    throw badRequest(
      "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
    );
  const unknown = readFields(body.subarray(4));
  const typeMeta = sub(unknown, 1);
  const raw = unknown.get(2)?.[0] ?? Buffer.alloc(0);
  const review = readFields(raw);
  const spec = sub(review, 2);
  const ra = spec && sub(spec, 1);
  const nra = spec && sub(spec, 2);
  const out: Record<string, unknown> = {
    apiVersion: (typeMeta && str(typeMeta, 1)) ?? "authorization.k8s.io/v1",
    kind: (typeMeta && str(typeMeta, 2)) ?? "SelfSubjectAccessReview",
    metadata: {},
  };
  const specJson: Record<string, unknown> = {};
  if (ra) {
    const attrs: Record<string, string> = {};
    const names = ["", "namespace", "verb", "group", "version", "resource", "subresource", "name"];
    names.forEach((name, i) => {
      const v = name ? str(ra, i) : undefined;
      if (v !== undefined && v !== "") attrs[name] = v;
    });
    specJson.resourceAttributes = attrs;
  }
  if (nra) specJson.nonResourceAttributes = { path: str(nra, 1) ?? "", verb: str(nra, 2) ?? "" };
  out.spec = specJson;
  return out;
}
