/** Emulated CoreDNS `/metrics` (port 9253) for the simulated node-local-dns pods. */
export type { CorednsMetrics, CorednsMetricsOptions, Proto, CacheType, CacheLabels } from "./types";
export { createCorednsMetrics } from "./coredns-metrics";
export { corefileHash, reloadHashKind } from "./hash";
export { formatGoFloat } from "./go-float";
export { qtypeLabel } from "./qtype";
export { versionTraits } from "./versions";
export { GOMAXPROCS } from "./runtime-model";
