/** DNS wire format: message model, encode/decode with compression, EDNS0, TCP framing, truncation. */
export * from "./types";
export { encodeMessage, encodeMessageWithin, decodeMessage, clientBufferSize, buildQuery } from "./message";
export { frameTcp, TcpFrameReader } from "./tcp";
export { formatIpv6 } from "./rdata";
