/**
 * How pods' DNS queries reach node-local-dns, from the DaemonSet's pod spec and the Corefile:
 * - `node-interface` — the upstream manifest: `hostNetwork: true`, node-cache puts 169.254.20.10 (and
 *   in iptables mode the kube-dns ClusterIP) on a dummy interface and the blocks `bind` those.
 * - `redirect` — seed 003's Cilium Local Redirect Policy layout: `hostNetwork: false`, every server
 *   block binds broadly (`bind 0.0.0.0`, or no `bind`; node-cache's `-localip 0.0.0.0`), and
 *   Cilium delivers pods' kube-dns traffic to the pod's own IP. Only a CiliumLocalRedirectPolicy
 *   selecting the pods does that, so in this mode "do pods reach the cache?" is "does one exist?".
 * Pure.
 */
import { describeServerBlock, parseCorefile } from "@/lib/corefile";

export type InterceptionMode = "node-interface" | "redirect";

/** What the DaemonSet says about the pods' network. */
export interface CacheLayout {
  /** spec.template.spec.hostNetwork (false when unset). */
  hostNetwork: boolean;
  /** node-cache's `-localip` list. */
  localIPs: string[];
}

export interface InterceptionVerdict {
  mode: InterceptionMode;
  /** Why, in the operator's words (shown beside the verdict). */
  evidence: string;
}

/** `bind 0.0.0.0`, `bind ::`, or a block without `bind` ("" here): every address of the pod. */
export function isBindAllAddress(address: string): boolean {
  return address === "" || address === "0.0.0.0" || address === "::";
}

/**
 * Every server block's bind addresses ([""] for a block without `bind`), with node-cache's
 * `__PILLAR__LOCAL__DNS__` taken as the `-localip` list; null when the Corefile does not parse.
 */
export function corefileBinds(corefile: string, localIPs: readonly string[]): string[][] | null {
  let blocks;
  try {
    blocks = parseCorefile(corefile, { checkDirectives: false }).blocks;
  } catch {
    return null;
  }
  return blocks.map((b) => {
    const binds = describeServerBlock(b).bind.flatMap((a) =>
      a === "__PILLAR__LOCAL__DNS__" ? [...localIPs] : a === "__PILLAR__DNS__SERVER__" ? [] : [a],
    );
    return binds.length ? binds : [""];
  });
}

/** Which mode the DaemonSet and Corefile describe (the Corefile may be unknown: null). */
export function interceptionMode(layout: CacheLayout, corefile: string | null): InterceptionVerdict {
  if (layout.hostNetwork) {
    return { mode: "node-interface", evidence: "the pods run on the host network (hostNetwork: true)" };
  }
  const binds = corefile === null ? null : corefileBinds(corefile, layout.localIPs);
  if (binds && binds.length > 0) {
    const narrow = binds.flat().filter((a) => !isBindAllAddress(a));
    if (narrow.length > 0) {
      return {
        mode: "node-interface",
        evidence: `the pods are off the host network but the Corefile binds ${[...new Set(narrow)].join(", ")}`,
      };
    }
    return {
      mode: "redirect",
      evidence: "hostNetwork: false and every server block binds broadly (bind 0.0.0.0 or no bind)",
    };
  }
  // Corefile unknown (or unparsable): node-cache's own -localip 0.0.0.0 is the layout's other mark.
  if (layout.localIPs.some(isBindAllAddress)) {
    return { mode: "redirect", evidence: "hostNetwork: false and node-cache runs with -localip 0.0.0.0" };
  }
  return {
    mode: "node-interface",
    evidence: "the pods are off the host network, but neither the Corefile nor -localip binds broadly",
  };
}
