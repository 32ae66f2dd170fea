/**
 * The WebSocket channel framing of `pods/portforward` (k8s.io/apimachinery wsstream, as the kubelet's
 * websocket port-forward uses it): every binary message starts with its channel byte; port i has data
 * channel 2i and error channel 2i+1, and the first message on each carries the port as 2 bytes
 * little-endian.
 */

/** Subprotocols we speak, in our order of preference; the answer is always one the client offered. */
export const PORTFORWARD_PROTOCOLS = [
  "v4.channel.k8s.io",
  "portforward.k8s.io",
  "v5.channel.k8s.io",
  "channel.k8s.io",
] as const;

/** v5 adds a close signal: [255, channel] half-closes that channel. */
export const CLOSE_CHANNEL = 255;

export function chooseProtocol(offered: Iterable<string>): string | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return PORTFORWARD_PROTOCOLS.find((p) => set.has(p));
}

/** The first frame of a channel: [channel, port & 0xff, port >> 8]. */
export function portFrame(channel: number, port: number): Buffer {
  return Buffer.from([channel, port & 0xff, (port >> 8) & 0xff]);
}

export function dataFrame(channel: number, payload: Buffer | string): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  return Buffer.concat([Buffer.from([channel]), body]);
}

export type ClientFrame =
  { kind: "data"; channel: number; payload: Buffer } | { kind: "close"; channel: number } | { kind: "empty" };

/** A message from the client; empty messages are legal and ignored. */
export function parseClientFrame(message: Buffer): ClientFrame {
  if (message.length === 0) return { kind: "empty" };
  const channel = message[0]!;
  if (channel === CLOSE_CHANNEL)
    return message.length >= 2 ? { kind: "close", channel: message[1]! } : { kind: "empty" };
  return { kind: "data", channel, payload: message.subarray(1) };
}

/** `?ports=9253,8080` (also repeated `ports=`): every value a port number 1–65535. */
export function parsePorts(query: URLSearchParams): number[] | string {
  const raw = query
    .getAll("ports")
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  if (raw.length === 0) return 'query parameter "port" is required';
  const ports: number[] = [];
  for (const r of raw) {
    const n = Number(r);
    if (!/^\d+$/.test(r) || n < 1 || n > 65535) return `unable to parse "${r}" as a port: invalid port`;
    ports.push(n);
  }
  return ports;
}
