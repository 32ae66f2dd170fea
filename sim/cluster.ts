/**
 * The simulated cluster: an object store seeded with the cluster's objects, an API server reachable
 * through a kubeconfig, one kubelet per node running the node-local-dns pods, the DaemonSet
 * controller, the upstream DNS servers and optional client traffic. Everything listens on the
 * loopback range of `addressBase` (sim/addresses.ts). The DaemonSet controller creates pods with
 * node affinity only; the scheduler binds them (after `timing.schedulerDelayMs`).
 */
import fs from "node:fs";
import path from "node:path";
import {
  apiServerHost,
  KUBE_DNS_UPSTREAM_CLUSTER_IP,
  NODE_RESOLVER_IP,
  nodeAddresses,
  upstreamHosts,
} from "./addresses";
import { DEFAULT_COREDNS_VERSION, type CorednsVersion } from "./runtime";
import { initialObjects, nodeName } from "./manifests";
import type { SimMode } from "./objects/cilium";
import { ALL_RESOURCES, ObjectStore, RESOURCES } from "./k8s/store";
import type { KubeObject } from "./k8s/types";
import { ensureBootstrapPolicy } from "./k8s/rbac-bootstrap";
import { createApiServer } from "./k8s/server";
import { Kubelet, type KubeletTiming } from "./k8s/kubelet";
import { DaemonSetController } from "./k8s/daemonset-controller";
import { Scheduler } from "./k8s/scheduler";
import { startNodeLocalDnsPod, type LeanSockets } from "./dns/pod";
import { ForwardPool } from "./dns/forward";
import { openFileLimits, socketPlan } from "./lean-sockets";
import { startClusterDns, startExternalResolver } from "./dns/upstream";
import { kubeconfigYaml, newTokens, tokenTable, type SimTokens, type SimUser } from "./objects/kubeconfig";
import type { SimClusterDescription } from "./objects/description";
import { selfSignedCert } from "./objects/self-signed-cert";
import { startTlsFront } from "./objects/tls-front";
import { runtimeHooks } from "./k8s/kubelet-hooks";
import { describeNodes, type SimNodeDescription } from "./objects/description";
import { clientPodAddresses, startTraffic } from "./dns/traffic";

export type { SimClusterDescription, SimNodeDescription } from "./objects/description";

/** Timings of the simulated machinery; defaults suit a demo, tests shorten them. */
export interface SimTiming extends KubeletTiming {
  /** node-cache's check of the mounted Corefile (real 10 s) and CoreDNS `reload` (real 30 s ± 15 s). */
  pod?: { configCheckMs?: number; reloadMs?: number };
  /** How long startSimCluster waits for every pod to be Ready before returning anyway. */
  readyTimeoutMs: number;
  /**
   * How long the scheduler leaves a new pod unbound (Pending, PodScheduled=False) before binding it
   * to the node its affinity names; 0 binds at once.
   */
  schedulerDelayMs: number;
}

export const DEFAULT_TIMING: SimTiming = {
  backoffBaseMs: 10_000,
  backoffMaxMs: 300_000,
  configSyncMs: 5_000,
  containerStartMs: 1_500,
  readyTimeoutMs: 60_000,
  schedulerDelayMs: 0,
};

export interface SimClusterOptions {
  nodes: number;
  /** Second octet of the cluster's loopback range (127.base–base+3.*.*). Default 1. */
  addressBase?: number;
  /** API server port; 0 = ephemeral. Default 6443. */
  apiPort?: number;
  /** DNS port of every listener (the pods' and the upstreams'); 0 = ephemeral. Default 53. */
  dnsPort?: number;
  /** The pods' metrics port on their node IP. Default 9253. */
  metricsPort?: number;
  /** Per node, cycled. Default all 1.11.3. */
  corednsVersions?: CorednsVersion[];
  /**
   * How node-local-dns is deployed: `iptables` (the upstream manifest, host network; the default) or
   * `cilium-lrp` (seed 003: own pod IPs, bind-all listeners, a CiliumLocalRedirectPolicy).
   */
  mode?: SimMode;
  /** Queries per second per node; 0 = no traffic. Default 0. */
  qps?: number;
  /** Where the kubeconfig and cluster.json go. Default <repo>/.sim */
  outDir?: string;
  timing?: Partial<SimTiming>;
  /** Print the kubeconfig and description paths. Default false. */
  log?: boolean;
  /**
   * More bearer tokens the API server accepts, e.g. a ServiceAccount's
   * (`{ [token]: { name: "system:serviceaccount:kube-system:x", groups: [] } }`); RBAC decides what they may do.
   */
  extraTokens?: Record<string, SimUser>;
  /** More objects to create at start, e.g. deploy/'s ServiceAccount and RBAC for the dashboard. */
  extraObjects?: KubeObject[];
  /**
   * Few sockets per pod (UDP-only DNS, no /health listener, one shared upstream pool; see
   * sim/lean-sockets.ts). Default: only when full pods would pass the process's descriptor limit.
   */
  leanSockets?: boolean;
}

export interface SimCluster {
  /** https://<apiServerHost(base)>:<apiPort> */
  apiUrl: string;
  /** The API server's self-signed certificate (also in the kubeconfig as certificate-authority-data). */
  caPem: string;
  kubeconfigPath: string;
  descriptionPath: string;
  /** Kept current as pods are replaced (also rewritten to descriptionPath). */
  description: SimClusterDescription;
  tokens: SimTokens;
  store: ObjectStore;
  kubelets: Kubelet[];
  stop(): Promise<void>;
}

type TrafficHandle = Awaited<ReturnType<typeof startTraffic>>;

/** (Re)starts client traffic at the nodes' current DNS listeners (ports change when pods are replaced). */
function restartTraffic(
  previous: Promise<TrafficHandle | undefined>,
  nodes: readonly SimNodeDescription[],
  qps: number,
  base: number,
): Promise<TrafficHandle | undefined> {
  const targets = nodes
    .map((n, index) => ({ n, index }))
    .filter(({ n }) => n.pod)
    .map(({ n, index }) => ({
      nodeName: n.name,
      linkLocal: { host: n.dns.address, port: n.dns.port },
      kubeDns: { host: n.kubeDns.address, port: n.kubeDns.port },
      // Several client pods per node, so query logs show who asked.
      clientIPs: clientPodAddresses(base, index),
    }));
  return previous.then(async (old) => {
    await old?.stop();
    return targets.length ? startTraffic({ targets, qps }) : undefined;
  });
}

function resourceFor(obj: KubeObject) {
  const rt = ALL_RESOURCES.find(
    (r) => r.kind === obj.kind && (r.group ? `${r.group}/${r.version}` : r.version) === obj.apiVersion,
  );
  if (!rt)
    throw new Error(
      `sim: no resource type serves ${obj.apiVersion} ${obj.kind}; add it to sim/k8s/resources.ts`,
    );
  return rt;
}

function allReady(store: ObjectStore, nodes: number): boolean {
  // peek, not list: this runs after pod changes, and copying every pod each time is quadratic.
  const pods = store
    .peek(RESOURCES.pods, "kube-system")
    .filter((p) => p.metadata.labels?.["k8s-app"] === "node-local-dns");
  const ready = pods.filter((p) => {
    const conditions =
      (p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
    return !p.metadata.deletionTimestamp && conditions.some((c) => c.type === "Ready" && c.status === "True");
  });
  return ready.length >= nodes;
}

/**
 * Resolves once every node's pod is Ready, or after `timeoutMs` (a broken Corefile is a valid demo).
 * Checked after pod changes, at most every 100 ms past 50 nodes: a check lists every pod, and a
 * check per change made starting thousands of nodes quadratic.
 */
function untilReady(store: ObjectStore, nodes: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    let unwatch: () => void = () => {};
    let pending: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => done(), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      if (pending) clearTimeout(pending);
      unwatch();
      resolve();
    };
    const check = () => {
      pending = undefined;
      if (allReady(store, nodes)) done();
    };
    unwatch = store.watch(
      RESOURCES.pods,
      "kube-system",
      store.resourceVersion(),
      {},
      () => {
        if (nodes <= 50) check();
        else pending ??= setTimeout(check, 100);
      },
      { shared: true },
    );
    if (allReady(store, nodes)) done();
  });
}

export async function startSimCluster(opts: SimClusterOptions): Promise<SimCluster> {
  const base = opts.addressBase ?? 1;
  const dnsPort = opts.dnsPort ?? 53;
  const metricsPort = opts.metricsPort ?? 9253;
  const versions = opts.corednsVersions?.length ? opts.corednsVersions : [DEFAULT_COREDNS_VERSION];
  const timing: SimTiming = { ...DEFAULT_TIMING, ...opts.timing };
  const outDir = path.resolve(opts.outDir ?? path.join(__dirname, "..", ".sim"));
  const cleanups: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };

  try {
    const store = new ObjectStore();
    ensureBootstrapPolicy(store);
    for (const obj of [
      ...initialObjects({ addressBase: base, nodes: opts.nodes, mode: opts.mode }),
      ...(opts.extraObjects ?? []),
    ])
      store.create(resourceFor(obj), obj);

    const hosts = upstreamHosts(base);
    const services = store.list(RESOURCES.services, undefined).items.map((s) => ({
      name: s.metadata.name,
      namespace: s.metadata.namespace ?? "default",
      clusterIP: String((s.spec as { clusterIP?: string }).clusterIP ?? ""),
    }));
    const clusterDns = await startClusterDns({
      host: hosts.clusterDns,
      port: dnsPort,
      domain: "cluster.local",
      services: services.filter((s) => s.clusterIP && s.clusterIP !== "None"),
    });
    cleanups.push(() => clusterDns.stop());
    const external = await startExternalResolver({ host: hosts.externalResolver, port: dnsPort });
    cleanups.push(() => external.stop());

    const limit = openFileLimits().soft;
    const plan = socketPlan(opts.nodes, limit);
    const leanSockets = opts.leanSockets ?? plan.lean;
    if (leanSockets && !plan.fits)
      throw new Error(
        `sim: ${opts.nodes} nodes need about ${plan.needed} open files even with lean sockets; this process may open ${limit} (raise it with ulimit -n)`,
      );
    // One upstream pool for every pod, its queries leaving from the first node's address.
    const lean: LeanSockets | undefined = leanSockets
      ? { sharedPool: new ForwardPool(nodeAddresses(base, 0).nodeIP) }
      : undefined;
    if (lean) cleanups.push(() => lean.sharedPool.close());
    if (lean)
      console.log(
        `sim: ${opts.nodes} nodes in lean-socket mode (DNS over UDP only, no /health listeners, one shared upstream pool): full pods would need ~${socketPlan(opts.nodes, Infinity).needed} open files, the limit is ${limit}`,
      );
    let onChange: () => void = () => {};
    const kubelets = Array.from({ length: opts.nodes }, (_, i) => {
      const corednsVersion = versions[i % versions.length]!;
      return new Kubelet({
        store,
        nodeName: nodeName(i),
        addresses: nodeAddresses(base, i),
        corednsVersion,
        startPod: (spec) => startNodeLocalDnsPod(spec, timing.pod, lean),
        ports: { dns: dnsPort, metrics: metricsPort, health: 8080 },
        clusterDns: {
          virtualIP: KUBE_DNS_UPSTREAM_CLUSTER_IP,
          host: hosts.clusterDns,
          port: clusterDns.port,
        },
        upstreamResolvers: [
          { virtualIP: NODE_RESOLVER_IP, host: hosts.externalResolver, port: external.port },
        ],
        timing,
        onChange: () => onChange(),
      });
    });
    for (const k of kubelets) k.start();
    cleanups.push(() => Promise.all(kubelets.map((k) => k.stop())).then(() => undefined));

    const scheduler = new Scheduler({ store, delayMs: timing.schedulerDelayMs });
    scheduler.start();
    cleanups.push(() => scheduler.stop());

    const hooks = runtimeHooks(store, kubelets);
    const controller = new DaemonSetController({ store, deletePod: hooks.deletePodGracefully });
    controller.start();
    cleanups.push(() => controller.stop());

    const tokens = newTokens();
    const host = apiServerHost(base);
    // The API server speaks plain HTTP on an ephemeral port; clients reach it through HTTPS.
    const api = await createApiServer({
      store,
      tokens: { ...tokenTable(tokens), ...opts.extraTokens },
      host,
      port: 0,
      hooks: hooks.api,
    });
    cleanups.push(() => api.close());
    cleanups.push(() => hooks.close());
    const cert = selfSignedCert("sim-apiserver", [host, "localhost", "127.0.0.1"]);
    const front = await startTlsFront({
      host,
      port: opts.apiPort ?? 6443,
      backend: { host, port: api.port },
      cert,
    });
    cleanups.push(() => front.close());
    const apiUrl = `https://${host}:${front.port}`;

    fs.mkdirSync(outDir, { recursive: true });
    const kubeconfigPath = path.join(outDir, "kubeconfig");
    const descriptionPath = path.join(outDir, "cluster.json");
    fs.writeFileSync(kubeconfigPath, kubeconfigYaml(apiUrl, tokens, cert.certPem), { mode: 0o600 });

    const cluster: SimCluster = {
      apiUrl,
      caPem: cert.certPem,
      kubeconfigPath,
      descriptionPath,
      description: { apiServer: apiUrl, kubeconfig: kubeconfigPath, nodes: [] },
      tokens,
      store,
      kubelets,
      stop: stopAll,
    };
    let traffic: Promise<TrafficHandle | undefined> = Promise.resolve(undefined);
    cleanups.push(() => traffic.then((t) => t?.stop()));
    let writeTimer: NodeJS.Immediate | NodeJS.Timeout | undefined;
    cleanups.push(() => {
      if (writeTimer) {
        clearImmediate(writeTimer as NodeJS.Immediate);
        clearTimeout(writeTimer as NodeJS.Timeout);
      }
      onChange = () => {};
    });
    const refresh = () => {
      writeTimer = undefined;
      const nodes = describeNodes(kubelets, base, versions, dnsPort, metricsPort);
      const changed = JSON.stringify(nodes) !== JSON.stringify(cluster.description.nodes);
      if (!changed) return;
      cluster.description = { ...cluster.description, nodes };
      fs.writeFileSync(descriptionPath, JSON.stringify(cluster.description, null, 2) + "\n");
      if (opts.qps) traffic = restartTraffic(traffic, nodes, opts.qps, base);
    };
    // Past 50 nodes at most every 100 ms: describing the nodes is linear in them.
    onChange = () => {
      if (opts.nodes <= 50) writeTimer ??= setImmediate(refresh);
      else writeTimer ??= setTimeout(refresh, 100);
    };
    refresh();

    await untilReady(store, opts.nodes, timing.readyTimeoutMs);
    refresh();
    if (opts.log) {
      console.log(`kubeconfig:  ${kubeconfigPath}`);
      console.log(`description: ${descriptionPath}`);
    }
    return cluster;
  } catch (err) {
    await stopAll();
    throw err;
  }
}
