import "server-only";
import type { MemoryEstimate } from "@/lib/config/memory";
import { endpointLabels } from "@/lib/cilium/selector";
import {
  applyWarnings,
  ciliumPolicyWarning,
  type ApplyWarning,
  type NetworkPolicyFacts,
} from "@/lib/config/warnings";
import { interceptionMode } from "@/lib/coredns/interception";
import type { CorefileProblem, CorefileServerBlock } from "@/lib/corefile";
import { readCorefileConfigMap } from "@/lib/k8s/configmap";
import { reshapeCacheLayout } from "@/lib/k8s/reshape";
import { containerEnv, readDaemonSet, containerMemoryLimit } from "@/lib/k8s/daemonset";
import { cmRef, dsRef, runningCorednsVersions, type ConfigDeps } from "./deps";
import { memoryFor } from "./memory-limit";
import { editAccess, type EditAccess } from "./permissions";
import { describeOrNull } from "./preview";
import { proposeForCluster } from "./propose";
import { actingUser } from "./who";
import type { LogOffState } from "./log-off-timer";
import { logOffPlanOf } from "./log-off-plan";

/** The Config page's data: the Corefile as written and as cards, and what the caller may do with it. */
export interface ConfigSnapshot {
  namespace: string;
  configMap: string;
  daemonSet: string;
  /** Send this back with an edit; a write based on an older one is refused with 409. */
  resourceVersion: string;
  corefile: string;
  /** One per server block, or null when the Corefile does not parse (raw text editing still works). */
  blocks: CorefileServerBlock[] | null;
  /** What CoreDNS would say about the current Corefile. */
  problems: CorefileProblem[];
  memory: MemoryEstimate | null;
  /** The node-cache container's memory limit as written ("200Mi"), null when unset. */
  memoryLimit: string | null;
  labels: Record<string, string>;
  /** Addon-manager Reconcile, a rollout that takes DNS from many nodes at once, OnDelete; Cilium network policies. */
  warnings: ApplyWarning[];
  access: EditAccess;
  /** Who a change made now is recorded as. */
  user: string;
  corednsVersions: string[];
  /**
   * The pending timed log-off, from the ConfigMap's annotation (whichever replica set it); `error` is
   * this replica's last failed attempt, or the annotation's problem when it cannot be read.
   */
  logOff: LogOffState | null;
}

/** Reads the ConfigMap, the DaemonSet and the caller's permissions in parallel. */
export async function readConfig(d: ConfigDeps): Promise<ConfigSnapshot> {
  const [cm, ds, access] = await Promise.all([
    readCorefileConfigMap(d.core, cmRef(d)),
    readDaemonSet(d.apps, dsRef(d)),
    editAccess(d.authz, d.targets),
  ]);
  const versions = runningCorednsVersions(d);
  const lrpWarning = await networkPolicyWarning(d, ds, cm.corefile);
  return {
    namespace: cm.namespace,
    configMap: cm.name,
    daemonSet: d.targets.daemonSet,
    resourceVersion: cm.resourceVersion,
    corefile: cm.corefile,
    blocks: describeOrNull(cm.corefile),
    // Every version the nodes run: mid-upgrade, a file one accepts can crash-loop another.
    problems: proposeForCluster(cm.corefile, { corefile: cm.corefile }, versions, {
      env: containerEnv(ds, d.targets.container),
    }).problems,
    memory: memoryFor(cm.corefile, ds, d.targets.container),
    memoryLimit: containerMemoryLimit(ds, d.targets.container),
    labels: cm.labels,
    warnings: [
      ...applyWarnings(
        { labels: cm.labels },
        { desired: ds.status?.desiredNumberScheduled ?? 0, updateStrategy: ds.spec?.updateStrategy ?? null },
      ),
      ...(lrpWarning ? [lrpWarning] : []),
    ],
    access,
    user: actingUser(d),
    corednsVersions: versions,
    logOff: logOffStateOf(cm.annotations),
  };
}

/**
 * In the Cilium LRP layout (hostNetwork false, bind-all Corefile), seed 003's network-policy warning,
 * naming the policies at risk when the dashboard may list CiliumNetworkPolicies (its own identity).
 */
async function networkPolicyWarning(
  d: ConfigDeps,
  ds: Awaited<ReturnType<typeof readDaemonSet>>,
  corefile: string,
): Promise<ApplyWarning | null> {
  const layout = reshapeCacheLayout(ds, d.targets.container);
  if (interceptionMode(layout, corefile).mode !== "redirect") return null;
  const facts: NetworkPolicyFacts = d.cilium
    ? await d.cilium.networkPoliciesAtRisk(endpointLabels(layout.namespace, layout.podLabels))
    : { kind: "not-asked" };
  return ciliumPolicyWarning(facts);
}

function logOffStateOf(annotations: Record<string, string>): LogOffState | null {
  const { plan, problem } = logOffPlanOf(annotations);
  if (plan) return { ...plan, error: null };
  return problem ? { at: "", blocks: [], requestedBy: "", error: problem } : null;
}
