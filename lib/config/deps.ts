import "server-only";
import { AppsV1Api, AuthorizationV1Api, CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { CiliumPolicies } from "@/lib/cilium/reader";
import type { ClusterInventory } from "@/lib/k8s/inventory";
import type { MetricsStore } from "@/lib/metrics/store";

/** Where node-local-dns lives, from the dashboard's settings. */
export interface ConfigTargets {
  namespace: string;
  configMap: string;
  daemonSet: string;
  container: string;
}

/** Everything the config service reads and writes through; tests build it against the sim. */
export interface ConfigDeps {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  authz: AuthorizationV1Api;
  targets: ConfigTargets;
  inventory: ClusterInventory;
  metrics: MetricsStore;
  /** Cilium's policies, read with the dashboard's own identity (never the actor's); absent in some tests. */
  cilium?: CiliumPolicies;
  /** The clock; tests may pin it. */
  now: () => Date;
  /** Who the calls are made for, when not the kubeconfig's own user (see who.ts). */
  actor?: string;
}

/** A person acting through the dashboard: their name, and a KubeConfig that acts as them (lib/auth). */
export interface Actor {
  user: string;
  kc: KubeConfig;
}

/** The same deps, with every Kubernetes call made as `actor` so the API server's RBAC decides. */
export function actingAs(d: ConfigDeps, actor: Actor | undefined): ConfigDeps {
  if (!actor) return d;
  const kc = actor.kc;
  return {
    ...d,
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    authz: kc.makeApiClient(AuthorizationV1Api),
    actor: actor.user,
  };
}

export function configDeps(
  kc: KubeConfig,
  targets: ConfigTargets,
  inventory: ClusterInventory,
  metrics: MetricsStore,
  cilium?: CiliumPolicies,
): ConfigDeps {
  return {
    ...(cilium ? { cilium } : {}),
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    authz: kc.makeApiClient(AuthorizationV1Api),
    targets,
    inventory,
    metrics,
    now: () => new Date(),
  };
}

export const cmRef = (d: ConfigDeps) => ({ namespace: d.targets.namespace, name: d.targets.configMap });
export const dsRef = (d: ConfigDeps) => ({ namespace: d.targets.namespace, name: d.targets.daemonSet });

/**
 * The CoreDNS versions the pods run now (from their metrics): a Corefile is validated against each,
 * since mid-upgrade nodes differ and a directive one version knows can crash-loop another.
 */
export function runningCorednsVersions(d: ConfigDeps): string[] {
  const versions = new Set<string>();
  for (const n of d.metrics.allLatest()) {
    const v = n.scrape?.corednsVersion;
    if (v) versions.add(v);
  }
  return [...versions].sort();
}
