/**
 * createCorednsMetrics: the emulated /metrics of one node-local-dns process. It maps the pod's events
 * onto the families its CoreDNS version really has (catalogue.ts), with the label sets of that version;
 * events a version has no metric for are dropped, as they are in the real binary.
 */
import { buildCorednsFamilies } from "./catalogue";
import { corefileHash, reloadHashKind } from "./hash";
import { qtypeLabel } from "./qtype";
import { RuntimeModel } from "./runtime-model";
import type { CorednsMetrics, CorednsMetricsOptions } from "./types";
import { versionTraits } from "./versions";

/** `view` is always "" in node-local-dns: the view plugin is not compiled into node-cache. */
const VIEW = "";
const PROXY_NAME = "forward";

/** Create the metrics of a freshly started CoreDNS process of the given version. */
export function createCorednsMetrics(opts: CorednsMetricsOptions): CorednsMetrics {
  const traits = versionTraits(opts.version);
  const f = buildCorednsFamilies(traits);
  const runtime = new RuntimeModel(traits, opts.startTime);
  const now = opts.now ?? (() => new Date());
  const hashKind = reloadHashKind(opts.version);

  let requests = 0;
  let shownHash: string | undefined;
  const servers = new Set<string>();
  const upstreams = new Set<string>();
  // Entries per cache, keyed by what identifies a cache (server, zones, type); summed for the memory model.
  const entriesPerCache = new Map<string, number>();

  const registerForward = () => {
    f.forwardMaxConcurrentRejects.registered = true;
  };

  return {
    version: opts.version,

    pluginEnabled({ server, zone, name }) {
      servers.add(server);
      if (name === "forward") registerForward();
      f.pluginEnabled.set({ server, zone, view: VIEW, name }, 1);
    },

    resetPluginEnabled() {
      f.pluginEnabled.reset();
    },

    request({ server, zone, proto, family, qtype, sizeBytes, doBit }) {
      requests++;
      servers.add(server);
      const type = qtypeLabel(qtype, traits.httpsQtype);
      f.dnsRequests.add({ server, zone, view: VIEW, proto, family: String(family), type });
      if (doBit) f.dnsDoRequests.add({ server, zone, view: VIEW });
      f.dnsRequestSize.observe({ server, zone, view: VIEW, proto }, sizeBytes);
    },

    response({ server, zone, proto, rcode, plugin, sizeBytes, durationSeconds, qtype }) {
      const type = qtypeLabel(qtype, traits.httpsQtype);
      f.dnsRequestDuration.observe({ server, zone, view: VIEW, type }, durationSeconds);
      f.dnsResponseSize.observe({ server, zone, view: VIEW, proto }, sizeBytes);
      f.dnsResponses.add({ server, zone, view: VIEW, rcode, plugin });
    },

    cacheRequest({ server, zones }) {
      f.cacheRequests?.add({ server, zones, view: VIEW });
    },
    cacheHit({ server, zones, type }) {
      f.cacheHits.add({ server, zones, view: VIEW, type });
    },
    cacheMiss({ server, zones }) {
      f.cacheMisses.add({ server, zones, view: VIEW });
    },
    cacheEntries({ server, zones, type }, count) {
      entriesPerCache.set(`${server}\u0000${zones}\u0000${type}`, count);
      f.cacheEntries.set({ server, zones, view: VIEW, type }, count);
    },
    cacheEviction({ server, zones, type }) {
      f.cacheEvictions?.add({ server, zones, view: VIEW, type });
    },
    cachePrefetch({ server, zones }) {
      f.cachePrefetch.add({ server, zones, view: VIEW });
    },
    cacheServedStale({ server, zones }) {
      f.cacheServedStale.add({ server, zones, view: VIEW });
    },
    cacheDrop({ server, zones }) {
      f.cacheDrops.add({ server, zones, view: VIEW });
    },

    forwardRequest({ to, rcode, durationSeconds }) {
      upstreams.add(to);
      registerForward();
      f.forwardRequests?.add({ to });
      f.forwardResponses?.add({ to, rcode });
      f.forwardDuration?.observe({ to, rcode }, durationSeconds);
      f.proxyDuration?.observe({ proxy_name: PROXY_NAME, to, rcode }, durationSeconds);
    },
    forwardConnCache({ to, proto, hit }) {
      upstreams.add(to);
      const labels = { proxy_name: PROXY_NAME, to, proto };
      if (hit) {
        f.forwardConnCacheHits?.add(labels);
        f.proxyConnCacheHits?.add(labels);
      } else {
        f.forwardConnCacheMisses?.add(labels);
        f.proxyConnCacheMisses?.add(labels);
      }
    },
    forwardHealthcheckFailure({ to }) {
      upstreams.add(to);
      f.forwardHealthcheckFailures?.add({ to });
      f.proxyHealthcheckFailures?.add({ proxy_name: PROXY_NAME, to });
    },
    forwardHealthcheckBroken() {
      f.forwardHealthcheckBroken?.add({});
    },
    forwardMaxConcurrentReject() {
      registerForward();
      f.forwardMaxConcurrentRejects.add({});
    },

    healthRequest(durationSeconds, failed) {
      f.healthDuration.observe({}, durationSeconds);
      if (failed) f.healthFailures?.add({});
    },

    reloadVersion(corefileText) {
      const hash = corefileHash(opts.version, corefileText);
      if (hash === shownHash) return;
      // 1.7.0 registers reload's metrics on the first restart (OnRestart); later versions have them already.
      f.reloadFailed.registered = true;
      f.reloadVersionInfo.registered = true;
      if (shownHash !== undefined) f.reloadVersionInfo.delete({ hash: hashKind, value: shownHash });
      f.reloadVersionInfo.set({ hash: hashKind, value: hash }, 1);
      shownHash = hash;
    },
    reloadFailed() {
      f.reloadFailed.registered = true;
      f.reloadFailed.add({});
    },
    panic() {
      f.panics.add({});
    },

    render() {
      const out: string[] = [];
      for (const family of f.all) family.render(out);
      let cacheEntries = 0;
      if (opts.cacheEntriesForMemory) cacheEntries = opts.cacheEntriesForMemory();
      else for (const n of entriesPerCache.values()) cacheEntries += n;
      runtime.renderGoAndProcess(
        { now: now(), requests, cacheEntries, servers: servers.size, upstreams: upstreams.size },
        out,
      );
      runtime.renderPromhttp(out);
      return out.join("");
    },
  };
}
