/**
 * Just enough of the Kubernetes protobuf encoding to read the request bodies kubectl's typed clients
 * send in protobuf: `kubectl auth can-i` (SelfSubjectAccessReview), `kubectl create configmap` and
 * `kubectl create namespace`. A body is the `k8s\0` magic, then a runtime.Unknown envelope whose
 * `raw` field holds the object's message. Other kinds get 415 (typed clients then must use JSON).
 */
import { StoreError, badRequest } from "./errors";

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decoded fields of one message: length-delimited values and varints, by field number. */
interface Fields {
  bytes: Map<number, Buffer[]>;
  ints: Map<number, number>;
}

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

function readFields(buf: Buffer): Fields {
  const out: Fields = { bytes: new Map(), ints: new Map() };
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    pos = p1;
    if (wire === 0) {
      const [v, p2] = readVarint(buf, pos);
      out.ints.set(field, v);
      pos = p2;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      const list = out.bytes.get(field) ?? [];
      list.push(buf.subarray(p2, p2 + len));
      out.bytes.set(field, list);
      pos = p2 + len;
    } else throw badRequest(`unable to decode protobuf: unsupported wire type ${wire}`);
  }
  return out;
}

function str(f: Fields, n: number): string | undefined {
  return f.bytes.get(n)?.[0]?.toString("utf8");
}

function strs(f: Fields, n: number): string[] {
  return (f.bytes.get(n) ?? []).map((b) => b.toString("utf8"));
}

function sub(f: Fields, n: number): Fields | undefined {
  const v = f.bytes.get(n)?.[0];
  return v === undefined ? undefined : readFields(v);
}

/** A proto map<string, string> (repeated entries of key=1, value=2). */
function stringMap(
  f: Fields,
  n: number,
  encoding: "utf8" | "base64" = "utf8",
): Record<string, string> | undefined {
  const entries = f.bytes.get(n);
  if (!entries?.length) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    const kv = readFields(e);
    out[str(kv, 1) ?? ""] = (kv.bytes.get(2)?.[0] ?? Buffer.alloc(0)).toString(encoding);
  }
  return out;
}

function objectMeta(f: Fields | undefined): Record<string, unknown> {
  if (!f) return {};
  const m: Record<string, unknown> = {};
  const set = (k: string, v: unknown) => {
    if (v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0)) m[k] = v;
  };
  set("name", str(f, 1));
  set("generateName", str(f, 2));
  set("namespace", str(f, 3));
  set("labels", stringMap(f, 11));
  set("annotations", stringMap(f, 12));
  set("finalizers", strs(f, 14));
  return m;
}

export function isProtobuf(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() === "application/vnd.kubernetes.protobuf";
}

function decodeReviewSpec(spec: Fields | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const ra = spec && sub(spec, 1);
  const nra = spec && sub(spec, 2);
  if (ra) {
    const attrs: Record<string, string> = {};
    ["", "namespace", "verb", "group", "version", "resource", "subresource", "name"].forEach((name, i) => {
      const v = name ? str(ra, i) : undefined;
      if (v) attrs[name] = v;
    });
    out.resourceAttributes = attrs;
  }
  if (nra) out.nonResourceAttributes = { path: str(nra, 1) ?? "", verb: str(nra, 2) ?? "" };
  return out;
}

/** Decodes a protobuf request body of a supported kind into its JSON shape; others → 415. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw badRequest(
      "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
    );
  }
  const unknown = readFields(body.subarray(4));
  const typeMeta = sub(unknown, 1);
  const apiVersion = (typeMeta && str(typeMeta, 1)) ?? "";
  const kind = (typeMeta && str(typeMeta, 2)) ?? "";
  const obj = readFields(unknown.bytes.get(2)?.[0] ?? Buffer.alloc(0));
  const out: Record<string, unknown> = { apiVersion, kind, metadata: objectMeta(sub(obj, 1)) };
  switch (kind) {
    case "SelfSubjectAccessReview":
      out.spec = decodeReviewSpec(sub(obj, 2));
      return out;
    case "ConfigMap": {
      const data = stringMap(obj, 2);
      const binaryData = stringMap(obj, 3, "base64");
      if (data) out.data = data;
      if (binaryData) out.binaryData = binaryData;
      if (obj.ints.has(4)) out.immutable = obj.ints.get(4) === 1;
      return out;
    }
    case "SelfSubjectRulesReview": {
      const spec = sub(obj, 2);
      out.spec = { namespace: (spec && str(spec, 1)) ?? "" };
      return out;
    }
    case "Namespace":
      return out;
    default:
      throw new StoreError(
        415,
        "UnsupportedMediaType",
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (the simulated API server reads protobuf only for self-subject reviews, ConfigMap and Namespace; got ${kind || "an unknown kind"})`,
      );
  }
}
