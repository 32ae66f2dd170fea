/**
 * kube-dns offload: what node-local-dns saved the cluster DNS. Pure; the one arithmetic behind the
 * cluster-wide chart and each node's.
 */

/** The rates one history point (a node's or the cluster's sum) carries that offload is made of. */
export interface OffloadInput {
  hitsPerSecond: number | null;
  missesPerSecond: number | null;
  upstreamPerSecond: number | null;
}

export type KubeDnsOffload = {
  /** Answered from the cache: queries kube-dns (or the upstream resolvers) never saw. */
  answeredFromCachePerSecond: number | null;
  /**
   * Sent upstream: the forward plugin's requests (every cache miss it forwarded, plus retries and
   * prefetches); the misses when the point has no forward numbers.
   */
  sentUpstreamPerSecond: number | null;
  /** Share of the two answered from the cache; null when neither happened (no traffic is not 0 %). */
  answeredFromCacheRatio: number | null;
};

const finite = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

export function kubeDnsOffload(p: OffloadInput): KubeDnsOffload {
  const hits = finite(p.hitsPerSecond);
  const upstream = finite(p.upstreamPerSecond) ?? finite(p.missesPerSecond);
  const total = (hits ?? 0) + (upstream ?? 0);
  return {
    answeredFromCachePerSecond: hits,
    sentUpstreamPerSecond: upstream,
    answeredFromCacheRatio: hits === null || total <= 0 ? null : hits / total,
  };
}

/** A history series as the offload chart draws it: one point per input point, `t` kept. */
export function offloadSeries<P extends { t: number } & OffloadInput>(
  points: readonly P[],
): ({ t: number } & KubeDnsOffload)[] {
  return points.map((p) => ({ t: p.t, ...kubeDnsOffload(p) }));
}
