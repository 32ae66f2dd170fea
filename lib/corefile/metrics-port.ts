/**
 * Where the cache pods serve /metrics, read from the Corefile they load: the port of its `prometheus`
 * directives. The metrics endpoint is not always :9253 — an operator may move it, and newer node-cache
 * fills `__PROMETHEUS__ENDPOINT__` from its -prometheus-listen-address flag.
 */
import { describeCorefile } from "./describe";
import { parseCorefile } from "./parser";

/**
 * The port most server blocks' `prometheus` directives listen on (the first block's on a tie); null
 * when the Corefile does not parse, has no `prometheus`, or names its address with a placeholder that
 * node-cache substitutes (then the pod's flag decides: lib/k8s/reshape.ts).
 */
export function corefileMetricsPort(corefile: string): number | null {
  let blocks;
  try {
    blocks = describeCorefile(parseCorefile(corefile));
  } catch {
    return null;
  }
  const counts = new Map<number, number>();
  for (const b of blocks) {
    const port = b.prometheus === null ? null : addressPort(b.prometheus);
    if (port !== null) counts.set(port, (counts.get(port) ?? 0) + 1);
  }
  let best: number | null = null;
  for (const [port, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = port;
  return best;
}

/** `:9253`, `0.0.0.0:9253`, `[::]:9253`, `localhost:9153` → the port; anything else null. */
function addressPort(address: string): number | null {
  const m = /^(?:\[[0-9a-fA-F:.]*\]|[^:[\]]*):(\d{1,5})$/.exec(address);
  const n = m ? Number(m[1]) : NaN;
  return n >= 1 && n <= 65535 ? n : null;
}
